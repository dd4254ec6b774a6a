package fulmen.interop;

import java.util.ArrayList;
import java.util.List;

/**
 * Category {@code taghash/}: consume-queue tag codes ({@code String.hashCode} over UTF-16 code units, via
 * {@code MessageExtBrokerInner.tagsString2tagsCode}) and subscription code sets from
 * {@code FilterAPI.buildSubscriptionData}. The bytes are the UTF-8 text of the tag or expression.
 */
public final class TagHashVectors implements VectorSource {
    @Override
    public List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        vectors.add(tag("tag_ascii", "TagA", "ASCII tag"));
        vectors.add(tag("tag_star", "*", "the subscribe-all expression as a tag"));
        vectors.add(tag("tag_empty", "", "empty tag: tagsCode 0"));
        vectors.add(tag("tag_non_ascii", "标签-Ä", "non-ASCII tag (BMP characters: one UTF-16 unit each)"));
        vectors.add(tag("tag_surrogate_pair", "😀tag", "a tag with a character outside the BMP: hashed as its two"
            + " UTF-16 surrogates, not as one code point"));
        vectors.add(tag("tag_min_int_hash", "polygenelubricants", "hashCode is Integer.MIN_VALUE: tagsCode is"
            + " sign-extended to a negative long"));
        vectors.add(subscription("sub_two_tags", "TagA || TagB", "the usual two-tag expression"));
        vectors.add(subscription("sub_spaces_and_empty", " TagA ||  || TagB ", "tags are trimmed and empty"
            + " entries dropped"));
        vectors.add(subscription("sub_all", "*", "subscribe all: empty tag and code sets"));
        return vectors;
    }

    private static Vector tag(String name, String tag, String description) {
        return new Vector("taghash", name, TagHashDescriber.KIND_TAG).description(description)
            .javaSource("String#hashCode and MessageExtBrokerInner#tagsString2tagsCode(String)")
            .bytes(Fixtures.utf8(tag));
    }

    private static Vector subscription(String name, String expression, String description) {
        return new Vector("taghash", name, TagHashDescriber.KIND_SUBSCRIPTION).description(description)
            .javaSource("FilterAPI#buildSubscriptionData(topic, subString): tagsSet and codeSet (HashSet order)")
            .bytes(Fixtures.utf8(expression));
    }
}
