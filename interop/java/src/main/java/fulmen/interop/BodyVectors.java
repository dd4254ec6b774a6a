package fulmen.interop;

import com.alibaba.fastjson.serializer.SerializerFeature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

/**
 * Category {@code body/}: JSON request and response bodies written by {@code RemotingSerializable.encode()}
 * (fastjson 1.2.83 defaults), the NameSrv's standard-JSON route form, and the zlib form of RegisterBrokerBody.
 */
public final class BodyVectors implements VectorSource {
    private static final String CATEGORY = "body";

    /** The feature set ClientRequestProcessor#getRouteInfoByTopic uses for version >= V4_9_4 (401). */
    public static final SerializerFeature[] STANDARD_JSON = {SerializerFeature.BrowserCompatible,
        SerializerFeature.QuoteFieldNames, SerializerFeature.SkipTransientField, SerializerFeature.MapSortField};

    @Override
    public List<Vector> vectors() throws Exception {
        List<Vector> vectors = new ArrayList<>();
        TopicRouteData route = BodyFixtures.topicRoute();
        vectors.add(json("topic_route_legacy", "TopicRouteData for request version < 401: two brokers, broker-a"
            + " with a slave (brokerAddrs keys 0 and 1 unquoted), non-ASCII cluster name, orderTopicConf", route,
            route.encode(), "TopicRouteData#encode()"));
        vectors.add(json("topic_route_standard", "the same route as the 5.3.3 NameSrv sends it to version >= 401:"
            + " brokerAddrs keys quoted, non-ASCII escaped as \\uXXXX, map keys sorted", route,
            route.encode(STANDARD_JSON), standardSource()));
        TopicRouteData single = BodyFixtures.singleBrokerRoute();
        vectors.add(json("topic_route_single_legacy", "the single-broker route of REMOTING.md section 4.1, legacy"
            + " form", single, single.encode(), "TopicRouteData#encode()"));
        vectors.add(json("topic_route_single_standard", "the single-broker route of REMOTING.md section 4.1,"
            + " standard form", single, single.encode(STANDARD_JSON), standardSource()));
        vectors.add(json("cluster_info", "GET_BROKER_CLUSTER_INFO (106) body: brokerAddrTable with unquoted"
            + " Long brokerAddrs keys, clusterAddrTable (set values)", BodyFixtures.clusterInfo()));
        vectors.add(json("topic_list", "TopicList with brokerAddr (the topic set is a ConcurrentHashMap key set)",
            BodyFixtures.topicList()));
        vectors.add(json("kv_table", "KVTable (GET_BROKER_RUNTIME_INFO style, HashMap order)",
            BodyFixtures.kvTable()));
        vectors.add(json("heartbeat_push_consumer", "HEART_BEAT (34) body of a client with a clustering push"
            + " consumer (TagA || TagB plus %RETRY%CG *) and the CLIENT_INNER_PRODUCER", BodyFixtures.heartbeat()));
        RegisterBrokerBody register = BodyFixtures.registerBroker();
        vectors.add(json("register_broker", "REGISTER_BROKER (103) body, plain JSON (what the broker sends:"
            + " compressedRegister=false)", register, register.encode(false), "RegisterBrokerBody#encode(false)"));
        vectors.add(new Vector(CATEGORY, "register_broker_compressed", BodyDescriber.KIND_COMPRESSED_REGISTER)
            .description("the same body in the compressed form (zlib, Deflater.BEST_COMPRESSION): DataVersion JSON,"
                + " TopicConfig#encode() lines, filter server list, topic queue mapping count; decoded with"
                + " RegisterBrokerBody.decode(bytes, true, V5_3_3); mappingDataVersion is not carried")
            .javaClass(RegisterBrokerBody.class)
            .javaSource("RegisterBrokerBody#encode(true)")
            .bytes(register.encode(true))
            .exactReencode(false));
        vectors.add(json("consume_stats", "GET_CONSUME_STATS (208) body: MessageQueue object keys (unquoted JSON"
            + " objects as keys), consumeTps double", BodyFixtures.consumeStats()));
        vectors.add(json("topic_stats_table", "GET_TOPIC_STATS_INFO (202) body: MessageQueue object keys",
            BodyFixtures.topicStats()));
        vectors.add(json("reset_offset_body", "RESET_CONSUMER_CLIENT_OFFSET (220) body: MessageQueue keys, one"
            + " offset above 2^53", BodyFixtures.resetOffset()));
        vectors.add(json("consumer_offset_wrapper", "GET_ALL_CONSUMER_OFFSET (43) body / consumerOffset.json:"
            + " topic@group -> {Integer queueId (unquoted): offset}", BodyFixtures.consumerOffsets()));
        vectors.add(json("lock_batch_request", "LOCK_BATCH_MQ (41) request body, three queues (HashSet order)",
            BodyFixtures.lockBatchRequest()));
        vectors.add(json("lock_batch_response", "LOCK_BATCH_MQ response body", BodyFixtures.lockBatchResponse()));
        vectors.add(json("consumer_connection", "GET_CONSUMER_CONNECTION_LIST (203) body with one connection",
            BodyFixtures.consumerConnection()));
        vectors.add(json("consumer_list_by_group", "GET_CONSUMER_LIST_BY_GROUP (38) response body",
            BodyFixtures.consumerList()));
        return vectors;
    }

    private static String standardSource() {
        return "TopicRouteData#encode(BrowserCompatible, QuoteFieldNames, SkipTransientField, MapSortField)"
            + " as in ClientRequestProcessor#getRouteInfoByTopic";
    }

    private static Vector json(String name, String description, RemotingSerializable body) {
        return json(name, description, body, body.encode(), body.getClass().getSimpleName() + "#encode()");
    }

    private static Vector json(String name, String description, Object body, byte[] bytes, String source) {
        return new Vector(CATEGORY, name, BodyDescriber.KIND_JSON).description(description)
            .javaClass(body.getClass())
            .javaSource(source + " (RemotingSerializable, fastjson 1.2.83)")
            .bytes(bytes)
            .text(new String(bytes, StandardCharsets.UTF_8));
    }
}
