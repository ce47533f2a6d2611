package io.syncd.common.ink;

import java.math.BigDecimal;

/** A sink that keeps nothing: decoding into it only checks the encoding. */
final class NoSink implements InkSink {
    static final NoSink INSTANCE = new NoSink();

    private NoSink() {
    }

    @Override
    public void startArray(int size) {
    }

    @Override
    public void endArray() {
    }

    @Override
    public void startObject(int size) {
    }

    @Override
    public void key(String key) {
    }

    @Override
    public void endObject() {
    }

    @Override
    public void nullValue() {
    }

    @Override
    public void booleanValue(boolean value) {
    }

    @Override
    public void longValue(long value) {
    }

    @Override
    public void decimalValue(BigDecimal value, String text) {
    }

    @Override
    public void numberText(String text) {
    }

    @Override
    public void string(String value) {
    }
}
