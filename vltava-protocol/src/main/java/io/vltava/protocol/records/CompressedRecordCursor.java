package io.vltava.protocol.records;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;

/**
 * The records of a compressed batch, read like kafka-clients' {@code skipKeyValueIterator} (keys,
 * values and headers skipped, never copied) but checked as its full reader checks them: each record
 * must take exactly the bytes its length prefix declares, and nothing may follow the last one.
 * kafka-clients' partial reader ignores the length prefix, so without this a batch that consumers
 * (and the validator's rebuild, which allocates by that length) cannot read would pass.
 *
 * <p>Threading: one iterator per validation, on one thread.
 */
final class CompressedRecordCursor implements RecordCursor {

    private final DefaultRecordBatch batch;
    private final CountingInputStream in;
    private final int count;
    private int read;
    private Record current;

    CompressedRecordCursor(DefaultRecordBatch batch, BufferSupplier buffers) {
        this.batch = batch;
        this.in = new CountingInputStream(batch.recordInputStream(buffers));
        this.count = batch.countOrNull();
    }

    @Override
    public boolean next() {
        if (read == count) {
            return false;
        }
        try {
            long start = in.count();
            Record record = DefaultRecord.readPartiallyFrom(in, batch.baseOffset(), batch.baseTimestamp(), batch.baseSequence(),
                    null, Integer.MAX_VALUE);
            if (in.count() - start != record.sizeInBytes()) {
                throw new InvalidRecordException("Record " + read + " declares " + record.sizeInBytes() + " bytes but its fields take "
                        + (in.count() - start));
            }
            if (++read == count && in.read() != -1) {
                throw new InvalidRecordException("The batch holds more bytes than its " + count + " records");
            }
            current = record;
            return true;
        } catch (IOException | RuntimeException e) {
            if (in.ended() && !(e instanceof InvalidRecordException)) {
                // kafka-clients' varint readers report the end of the stream as a malformed varint
                throw new InvalidRecordException("The batch ends before its " + count + " records");
            }
            if (e instanceof IOException) {
                throw new KafkaException("Failed to decompress the records", e);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public int offsetDelta() {
        return (int) (current.offset() - batch.baseOffset());
    }

    @Override
    public long timestamp() {
        return current.timestamp();
    }

    @Override
    public boolean hasKey() {
        return current.hasKey();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // the batch has been judged; a decompressor that cannot close changes nothing
        }
    }

    /** Counts the bytes read or skipped through it, and whether its end was reached. */
    private static final class CountingInputStream extends FilterInputStream {

        private long count;
        private boolean ended;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        boolean ended() {
            return ended;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                ended = true;
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = in.read(bytes, offset, length);
            if (n < 0) {
                ended = true;
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
