package io.syncd.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.syncd.common.ContentCoding;
import io.syncd.common.ink.InkCodec;
import io.syncd.common.ink.InkFormatException;

/**
 * The ink encoding's figures on the bench's own notes ({@link Workload#strokes}, ~5 KB of JSON each): bytes per note
 * and per 50-change push, JSON against ink, before and after zstd, and encode and decode speed on one core (JSON MB
 * per second of CPU time; phase 1 writes the speed as {@code ink_encode_mb_per_s} and {@code ink_decode_mb_per_s}).
 * No server: {@code java -cp … io.syncd.bench.InkFigures [notes] [rounds]}.
 */
public final class InkFigures {
    private InkFigures() {
    }

    public static void main(String[] args) throws InkFormatException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Workload workload = new Workload(31);
        List<byte[]> notes = new ArrayList<>(count);
        List<byte[]> inks = new ArrayList<>(count);
        long json = 0;
        long ink = 0;
        long base64 = 0;
        long jsonZstd = 0;
        long inkZstd = 0;
        for (int i = 0; i < count; i++) {
            byte[] strokes = workload.strokes(5000).getBytes(StandardCharsets.UTF_8);
            byte[] encoded = InkCodec.encodeJson(strokes);
            if (!Arrays.equals(InkCodec.decodeToJson(encoded), strokes)) {
                throw new IllegalStateException("note " + i + " does not come back as it was");
            }
            notes.add(strokes);
            inks.add(encoded);
            json += strokes.length;
            ink += encoded.length;
            base64 += InkCodec.toBase64(encoded).length();
            jsonZstd += ContentCoding.ZSTD.encode(strokes).length;
            inkZstd += ContentCoding.ZSTD.encode(encoded).length;
        }
        print("notes", count);
        print("note_json_bytes", json / count);
        print("note_storage_bytes (ink)", ink / count);
        print("note_ink_base64_bytes", base64 / count);
        print("note_json_zstd_bytes", jsonZstd / count);
        print("note_ink_zstd_bytes", inkZstd / count);
        System.out.printf(Locale.ROOT, "%-36s %.3f%n", "ink / json", (double) ink / json);

        sync50(workload);
        Speed speed = speed(notes, inks, rounds);
        System.out.printf(Locale.ROOT, "%-36s %.0f%n", "ink_encode_mb_per_s (JSON text in)", speed.encodeMbPerSecond());
        System.out.printf(Locale.ROOT, "%-36s %.0f%n", "ink_decode_mb_per_s (JSON text out)", speed.decodeMbPerSecond());
        System.out.printf(Locale.ROOT, "%-36s %.0f%n", "ink_decode_tree_mb_per_s", speed.decodeTreeMbPerSecond());
    }

    /**
     * Encode and decode speed in MB of JSON per CPU second of one thread.
     *
     * @param decodeTreeMbPerSecond decoding into a Jackson tree instead of JSON text
     */
    record Speed(double encodeMbPerSecond, double decodeMbPerSecond, double decodeTreeMbPerSecond) {
    }

    /** The speed on {@code count} of the bench's notes ({@code seed}'s), timed over {@code rounds} after a warm-up. */
    static Speed speed(long seed, int count, int rounds) throws InkFormatException {
        Workload workload = new Workload(seed);
        List<byte[]> notes = new ArrayList<>(count);
        List<byte[]> inks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] strokes = workload.strokes(5000).getBytes(StandardCharsets.UTF_8);
            notes.add(strokes);
            inks.add(InkCodec.encodeJson(strokes));
        }
        return speed(notes, inks, rounds);
    }

    /** A 50-change push of the seed's sync, as JSON strokes and as strokes_ink, each compressed with zstd. */
    private static void sync50(Workload workload) {
        int syncs = 40;
        long json = 0;
        long ink = 0;
        long jsonZstd = 0;
        long inkZstd = 0;
        for (int s = 0; s < syncs; s++) {
            List<String> changes = workload.mixedSync(50);
            byte[] jsonPush = Workload.push(changes).getBytes(StandardCharsets.UTF_8);
            byte[] inkPush = Workload.push(changes.stream().map(Workload::inkChange).toList())
                    .getBytes(StandardCharsets.UTF_8);
            json += jsonPush.length;
            ink += inkPush.length;
            jsonZstd += ContentCoding.ZSTD.encode(jsonPush).length;
            inkZstd += ContentCoding.ZSTD.encode(inkPush).length;
        }
        print("push50_json_bytes", json / syncs);
        print("push50_ink_bytes", ink / syncs);
        print("push50_json_zstd_bytes", jsonZstd / syncs);
        print("push50_ink_zstd_bytes", inkZstd / syncs);
        System.out.printf(Locale.ROOT, "%-36s %.3f (target <= 0.4)%n", "push50 ink+zstd / json+zstd",
                (double) inkZstd / jsonZstd);
    }

    private static Speed speed(List<byte[]> notes, List<byte[]> inks, int rounds) throws InkFormatException {
        long jsonBytes = notes.stream().mapToLong(note -> note.length).sum();
        for (int warmup = 0; warmup < 3; warmup++) {
            encodeAll(notes);
            decodeAll(inks);
            decodeTrees(inks);
        }
        // CPU time of this thread, not the wall clock: the figure is per core, and the machine's cores are shared.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long encode = 0;
        long decode = 0;
        long trees = 0;
        for (int round = 0; round < rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            encodeAll(notes);
            long encoded = threads.getCurrentThreadCpuTime();
            decodeAll(inks);
            long decoded = threads.getCurrentThreadCpuTime();
            decodeTrees(inks);
            trees += threads.getCurrentThreadCpuTime() - decoded;
            encode += encoded - start;
            decode += decoded - encoded;
        }
        double megabytes = jsonBytes * (double) rounds / 1e6;
        return new Speed(megabytes / (encode / 1e9), megabytes / (decode / 1e9), megabytes / (trees / 1e9));
    }

    private static long encodeAll(List<byte[]> notes) {
        long bytes = 0;
        for (byte[] note : notes) {
            bytes += InkCodec.encodeJson(note).length;
        }
        return bytes;
    }

    private static long decodeAll(List<byte[]> inks) throws InkFormatException {
        long bytes = 0;
        for (byte[] ink : inks) {
            bytes += InkCodec.decodeToJson(ink).length;
        }
        return bytes;
    }

    private static long decodeTrees(List<byte[]> inks) throws InkFormatException {
        long nodes = 0;
        for (byte[] ink : inks) {
            nodes += InkCodec.decode(ink).size();
        }
        return nodes;
    }

    private static void print(String key, long value) {
        System.out.printf(Locale.ROOT, "%-36s %d%n", key, value);
    }
}
