package fulmen.interop;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExtBatch;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.common.message.MessageVersion;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.store.CommitLog;
import org.apache.rocketmq.store.MessageExtEncoder;
import org.apache.rocketmq.store.PutMessageContext;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * Produces stored message units with the broker's own encoder, {@code org.apache.rocketmq.store.MessageExtEncoder},
 * following the steps CommitLog takes around it: {@code asyncPutMessage(s)} sets the body CRC, the v2 magic for
 * topics longer than 127 characters and the IPv6 host flags; {@code DefaultAppendMessageCallback.doAppend} then
 * writes the queue offset (0 for prepared/rollback), the physical offset and the store timestamp into the encoded
 * buffer and, when {@code enabledAppendPropCRC}, the {@code __CRC32#} property.
 */
public final class CommitLogUnits {
    private static final int QUEUE_OFFSET_POSITION = 20;
    private static final int PHYSICAL_OFFSET_POSITION = 28;

    private CommitLogUnits() {
    }

    /** One unit at {@code commitLogOffset}; the message's queue offset and properties are used as set. */
    public static byte[] store(MessageExtBrokerInner message, long commitLogOffset, boolean appendCrc) {
        message.setBodyCRC(UtilAll.crc32(message.getBody()));
        if (message.getTopic().length() > Byte.MAX_VALUE) {
            message.setVersion(MessageVersion.MESSAGE_VERSION_V2);
        }
        if (((InetSocketAddress) message.getBornHost()).getAddress() instanceof Inet6Address) {
            message.setBornHostV6Flag();
        }
        if (((InetSocketAddress) message.getStoreHost()).getAddress() instanceof Inet6Address) {
            message.setStoreHostAddressV6Flag();
        }
        message.setPropertiesString(MessageDecoder.messageProperties2String(message.getProperties()));

        MessageExtEncoder encoder = new MessageExtEncoder(storeConfig(appendCrc));
        PutMessageResult failure = encoder.encode(message);
        if (failure != null) {
            throw new IllegalStateException("MessageExtEncoder refused the message: " + failure.getPutMessageStatus());
        }
        ByteBuffer encoded = encoder.getEncoderBuffer();
        byte[] unit = new byte[encoded.getInt(0)];
        encoded.get(0, unit);

        int transaction = MessageSysFlag.getTransactionValue(message.getSysFlag());
        boolean notConsumable = transaction == MessageSysFlag.TRANSACTION_PREPARED_TYPE
            || transaction == MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
        ByteBuffer patch = ByteBuffer.wrap(unit);
        patch.putLong(QUEUE_OFFSET_POSITION, notConsumable ? 0L : message.getQueueOffset());
        patch.putLong(PHYSICAL_OFFSET_POSITION, commitLogOffset);
        patch.putLong(storeTimestampPosition(message.getSysFlag()), message.getStoreTimestamp());
        if (appendCrc) {
            appendCrc(unit);
        }
        return unit;
    }

    /**
     * The units the broker stores for a SEND_BATCH_MESSAGE: {@code MessageExtEncoder.encode(MessageExtBatch, ...)}
     * and the batch variant of {@code doAppend}, starting at {@code commitLogOffset} and queue offset
     * {@code batch.getQueueOffset()}.
     */
    public static byte[] storeBatch(MessageExtBatch batch, long commitLogOffset) {
        if (batch.getTopic().length() > Byte.MAX_VALUE) {
            batch.setVersion(MessageVersion.MESSAGE_VERSION_V2);
        }
        if (((InetSocketAddress) batch.getBornHost()).getAddress() instanceof Inet6Address) {
            batch.setBornHostV6Flag();
        }
        if (((InetSocketAddress) batch.getStoreHost()).getAddress() instanceof Inet6Address) {
            batch.setStoreHostAddressV6Flag();
        }
        MessageExtEncoder encoder = new MessageExtEncoder(storeConfig(false));
        ByteBuffer encoded = encoder.encode(batch, new PutMessageContext(batch.getTopic() + "-" + batch.getQueueId()));
        byte[] units = new byte[encoded.remaining()];
        encoded.get(units);

        ByteBuffer patch = ByteBuffer.wrap(units);
        long queueOffset = batch.getQueueOffset();
        int position = 0;
        while (position < units.length) {
            int length = patch.getInt(position);
            patch.putLong(position + QUEUE_OFFSET_POSITION, queueOffset++);
            patch.putLong(position + PHYSICAL_OFFSET_POSITION, commitLogOffset + position);
            patch.putLong(position + storeTimestampPosition(batch.getSysFlag()), batch.getStoreTimestamp());
            position += length;
        }
        return units;
    }

    /** The same unit written by the client-side encoder {@code MessageDecoder.encode(MessageExt, false)}. */
    public static byte[] clientEncode(MessageExtBrokerInner message, long commitLogOffset) throws Exception {
        message.setCommitLogOffset(commitLogOffset);
        message.setStoreSize(0);
        return MessageDecoder.encode(message, false);
    }

    private static MessageStoreConfig storeConfig(boolean appendCrc) {
        MessageStoreConfig config = new MessageStoreConfig();
        config.setEnabledAppendPropCRC(appendCrc);
        return config;
    }

    private static int storeTimestampPosition(int sysFlag) {
        int bornHostLength = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) == 0 ? 8 : 20;
        return PHYSICAL_OFFSET_POSITION + 8 + 4 + 8 + bornHostLength;
    }

    /** doAppend's CRC step: CRC32 of everything before the reserved tail, written as {@code __CRC32#} digits. */
    private static void appendCrc(byte[] unit) {
        int checked = unit.length - CommitLog.CRC32_RESERVED_LEN;
        int crc = UtilAll.crc32(unit, 0, checked);
        ByteBuffer tail = ByteBuffer.wrap(unit);
        tail.position(checked);
        MessageDecoder.createCrc32(tail, crc);
    }
}
