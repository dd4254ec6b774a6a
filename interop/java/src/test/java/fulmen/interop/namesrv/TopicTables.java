package fulmen.interop.namesrv;

import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigAndMappingSerializeWrapper;

/**
 * Topic tables the simulated brokers register, built from the broker's own classes: TBW102 (perm 7, as a Java broker
 * with auto-creation declares it) and an ordinary topic with more write queues than read queues.
 */
final class TopicTables {

    static final String TBW102 = TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC;
    static final String ORDINARY = "FulmenInteropTopic";
    static final int ORDINARY_WRITE_QUEUES = 8;
    static final int ORDINARY_READ_QUEUES = 4;
    static final int TBW102_QUEUES = 8;

    static final int PERM_READ_WRITE = PermName.PERM_READ | PermName.PERM_WRITE;
    static final int PERM_READ_WRITE_INHERIT = PERM_READ_WRITE | PermName.PERM_INHERIT;

    private TopicTables() {
    }

    /** TBW102 and the ordinary topic, at a fresh data version. */
    static TopicConfigAndMappingSerializeWrapper standard() {
        return of(new DataVersion(), tbw102(), ordinary());
    }

    /** TBW102 (8 + 8 queues, perm 7). */
    static TopicConfig tbw102() {
        return new TopicConfig(TBW102, TBW102_QUEUES, TBW102_QUEUES, PERM_READ_WRITE_INHERIT);
    }

    /** The ordinary topic (4 read, 8 write queues, perm 6). */
    static TopicConfig ordinary() {
        return new TopicConfig(ORDINARY, ORDINARY_READ_QUEUES, ORDINARY_WRITE_QUEUES, PERM_READ_WRITE);
    }

    /** A table holding {@code topics} at {@code version}. */
    static TopicConfigAndMappingSerializeWrapper of(DataVersion version, TopicConfig... topics) {
        TopicConfigAndMappingSerializeWrapper wrapper = new TopicConfigAndMappingSerializeWrapper();
        wrapper.setDataVersion(version);
        for (TopicConfig topic : topics) {
            wrapper.getTopicConfigTable().put(topic.getTopicName(), topic);
        }
        return wrapper;
    }

    /** A copy of {@code version} (same counter, timestamp and state version), so the original can move on alone. */
    static DataVersion copy(DataVersion version) {
        DataVersion copy = new DataVersion();
        copy.assignNewOne(version);
        return copy;
    }
}
