package io.vltava.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionIndexTest {

    private static final AbortedTransaction FIRST = new AbortedTransaction(7L, 10L, 20L, 21L);
    private static final AbortedTransaction SECOND = new AbortedTransaction(8L, 15L, 30L, 31L);

    @TempDir
    Path dir;

    @Test
    void theFileIsCreatedByTheFirstAppendInKafkasLayout() throws IOException {
        Path file = dir.resolve("00000000000000000000.txnindex");
        TransactionIndex index = new TransactionIndex(file);
        assertThat(index.all()).isEmpty();
        assertThat(file).doesNotExist();

        index.append(FIRST);
        index.flush();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.remaining()).isEqualTo(TransactionIndex.ENTRY_SIZE).isEqualTo(34);
        assertThat(bytes.getShort()).isZero();
        assertThat(bytes.getLong()).isEqualTo(7L);
        assertThat(bytes.getLong()).isEqualTo(10L);
        assertThat(bytes.getLong()).isEqualTo(20L);
        assertThat(bytes.getLong()).isEqualTo(21L);
        index.close();
    }

    @Test
    void entriesAreReadBackAfterReopeningAndATornEntryIsIgnoredAndOverwritten() throws IOException {
        Path file = dir.resolve("00000000000000000000.txnindex");
        TransactionIndex index = new TransactionIndex(file);
        index.append(FIRST);
        index.close();
        Files.write(file, new byte[] {0, 0, 1, 2, 3}, StandardOpenOption.APPEND);

        TransactionIndex reopened = new TransactionIndex(file);
        assertThat(reopened.all()).containsExactly(FIRST);
        reopened.append(SECOND);
        reopened.close();

        assertThat(new TransactionIndex(file).all()).containsExactly(FIRST, SECOND);
    }

    @Test
    void collectReturnsTheTransactionsOverlappingTheRange() throws IOException {
        TransactionIndex index = new TransactionIndex(dir.resolve("0.txnindex"));
        index.append(FIRST);
        index.append(SECOND);

        assertThat(collect(index, 0, 100)).containsExactly(FIRST, SECOND);
        assertThat(collect(index, 21, 100)).as("FIRST's marker is before the start").containsExactly(SECOND);
        assertThat(collect(index, 0, 15)).as("SECOND starts at the upper bound").containsExactly(FIRST);
        assertThat(collect(index, 31, 100)).isEmpty();
        index.close();
    }

    @Test
    void renameResetAndDeleteFollowTheFile() throws IOException {
        Path file = dir.resolve("5.txnindex");
        TransactionIndex index = new TransactionIndex(file);
        index.renameTo(dir.resolve("5.txnindex.deleted"));
        assertThat(index.file()).isEqualTo(dir.resolve("5.txnindex.deleted"));
        index.renameTo(file);

        index.append(FIRST);
        index.renameTo(dir.resolve("5.txnindex.swap"));
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("5.txnindex.swap")).exists();
        assertThat(index.all()).containsExactly(FIRST);

        index.reset();
        assertThat(index.all()).isEmpty();
        assertThat(index.file()).doesNotExist();
        index.append(SECOND);
        assertThat(new TransactionIndex(index.file()).all()).containsExactly(SECOND);

        index.delete();
        assertThat(index.file()).doesNotExist();
    }

    private static List<AbortedTransaction> collect(TransactionIndex index, long start, long upperBound) {
        List<AbortedTransaction> into = new ArrayList<>();
        index.collect(start, upperBound, into);
        return into;
    }
}
