package io.syncd.standalone;

/**
 * Loads lz4-java's native library before Kafka's lz4 codec first runs.
 *
 * <p>lz4-java uses its JNI build by itself only when it was loaded by the system class loader; inside the Spring Boot
 * jar it falls back to its pure-Java codec, which took some 6 % of the server's CPU under sustained load (producer,
 * the embedded broker's validation and the applier's consumer all compress or decompress every batch). Kafka's
 * decompressor is chosen once, when its class initializes, so this runs first thing. Looked up by name: the class
 * has stayed {@code net.jpountz.util.Native} while Kafka moved between lz4-java artifacts.
 */
final class NativeLz4 {
    private static final String CLASS = "net.jpountz.util.Native";

    private NativeLz4() {
    }

    /** Loads it; returns why it could not be (Kafka then uses the Java codec, correct but slower), or null. */
    static Throwable load() {
        return load(NativeLz4.class.getClassLoader());
    }

    /** {@link #load()} of the lz4-java that {@code loader} sees. */
    static Throwable load(ClassLoader loader) {
        try {
            Class.forName(CLASS, true, loader).getMethod("load").invoke(null);
            return null;
        } catch (ReflectiveOperationException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (LinkageError e) {
            return e;
        }
    }
}
