package io.syncd.common.ink;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Random JSON text for the ink codec's property tests, from one seeded {@link Random}: the same seed gives the same
 * sample, so a failure's seed reproduces it. Arrays of every value (number text of every shape, strings with any
 * character, nested arrays and objects) and stroke sets in several number styles.
 */
final class RandomJson {
    /** How a stroke set's numbers look. */
    enum Style {
        /** A pen's path: small steps, pressure, constant-rate timestamps (packs to a few bits, or none). */
        PEN,
        INTEGERS,
        /** Any 64-bit values and the extremes: deltas that wrap, widths up to 64. */
        LONGS,
        TWO_DECIMALS,
        /** Doubles' shortest text: up to 17 significant digits, some past 64 bits at their scale. */
        FULL_PRECISION,
        /** The same values as plain decimals, exponents and trailing zeros. */
        MIXED_FORMS
    }

    /** A stroke set's JSON text and the style of its numbers. */
    record Strokes(Style style, String json) {
    }

    private final Random random;

    RandomJson(Random random) {
        this.random = random;
    }

    /** An array of up to 6 values, nested up to 4 levels (objects count as levels). */
    String array() {
        return array(4);
    }

    /** A stroke set of up to {@code maxStrokes} strokes of up to {@code maxPoints} points of 1 to 6 channels. */
    Strokes strokes(int maxStrokes, int maxPoints) {
        Style style = Style.values()[random.nextInt(Style.values().length)];
        List<String> strokes = new ArrayList<>();
        int count = random.nextInt(maxStrokes + 1);
        for (int s = 0; s < count; s++) {
            strokes.add(stroke(style, 1 + random.nextInt(6), random.nextInt(maxPoints + 1)));
        }
        return new Strokes(style, "[" + String.join(",", strokes) + "]");
    }

    /** An array of JSON arrays or a stroke set, each half the time. */
    String anyStrokesValue(int maxStrokes, int maxPoints) {
        return random.nextBoolean() ? array() : strokes(maxStrokes, maxPoints).json();
    }

    byte[] bytes(int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private String array(int depth) {
        return list(6, () -> value(depth)).stream().collect(Collectors.joining(", ", "[", "]"));
    }

    private String value(int depth) {
        int choice = random.nextInt(depth == 0 ? 4 : 6);
        return choice < 4 ? scalar() : choice == 4 ? array(depth - 1) : object(depth - 1);
    }

    private String object(int depth) {
        Map<String, String> properties = new LinkedHashMap<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            properties.put(string(6, false), value(depth)); // a repeated key replaces its value: keys stay unique
        }
        return properties.entrySet().stream().map(entry -> quote(entry.getKey()) + ":" + entry.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private String scalar() {
        int choice = random.nextInt(7);
        if (choice < 4) {
            return number();
        }
        if (choice < 6) {
            return quote(string(12, true));
        }
        return List.of("true", "false", "null").get(random.nextInt(3));
    }

    /** A string of any characters: ASCII, controls, the rest of the BMP, pairs and (if asked) lone surrogates. */
    private String string(int maxLength, boolean loneSurrogates) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(loneSurrogates ? 6 : 5)) {
                case 0, 1 -> text.append((char) (0x20 + random.nextInt(0x5F)));
                case 2 -> text.append((char) random.nextInt(0x20));
                case 3 -> text.append((char) (0x80 + random.nextInt(0xD800 - 0x80)));
                case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                default -> text.append((char) (0xD800 + random.nextInt(0x800)));
            }
        }
        return text.toString();
    }

    /** JSON number text of every shape: signs, leading digits, long fractions, exponents, -0, up to 1000 digits. */
    String number() {
        while (true) {
            String sign = random.nextBoolean() ? "" : "-";
            String whole = switch (random.nextInt(7)) {
                case 0, 1, 2, 3 -> String.valueOf(random.nextInt(3001));
                case 4 -> Long.toUnsignedString(random.nextLong());
                case 5 -> "1" + digits(random.nextInt(40));
                default -> "9".repeat(999);
            };
            String fraction = switch (random.nextInt(6)) {
                case 0, 1, 2 -> "";
                case 3, 4 -> "." + digits(1 + random.nextInt(3));
                default -> "." + digits(1 + random.nextInt(30));
            };
            String exponent = random.nextInt(5) > 0 ? ""
                    : (random.nextBoolean() ? "e" : "E") + List.of("", "+", "-").get(random.nextInt(3))
                            + random.nextInt(401);
            String text = sign + whole + fraction + exponent;
            if (text.length() <= InkFormat.MAX_NUMBER_LENGTH) { // v1's parser refuses longer ones
                return text;
            }
        }
    }

    private String digits(int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private String stroke(Style style, int arity, int points) {
        long[] pen = {random.nextInt(2000), random.nextInt(3000), 40, random.nextInt(1_000_000)};
        int rate = 1 + random.nextInt(16);
        List<String> result = new ArrayList<>(points);
        for (int p = 0; p < points; p++) {
            List<String> point = new ArrayList<>(arity);
            for (int c = 0; c < arity; c++) {
                point.add(style == Style.PEN ? penValue(pen, c, rate) : coordinate(style));
            }
            result.add("[" + String.join(",", point) + "]");
        }
        return "[" + String.join(",", result) + "]";
    }

    /** Channel 0 and 1 wander by -4..4, 2 is a pressure 0.00 to 1.00, 3 and on are time at a constant rate. */
    private String penValue(long[] pen, int channel, int rate) {
        return switch (channel) {
            case 0, 1 -> String.valueOf(pen[channel] += random.nextInt(9) - 4);
            case 2 -> BigDecimal.valueOf(random.nextInt(101), 2).toPlainString();
            default -> String.valueOf(pen[3] += rate);
        };
    }

    private String coordinate(Style style) {
        return switch (style) {
            case PEN -> throw new IllegalArgumentException("a pen's values depend on its path");
            case INTEGERS -> random.nextInt(20) > 0 ? String.valueOf(random.nextInt(200_001) - 100_000)
                    : List.of("-0", "9223372036854775807", "-9223372036854775808").get(random.nextInt(3));
            case LONGS -> random.nextInt(4) > 0 ? String.valueOf(random.nextLong())
                    : String.valueOf(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L).get(random.nextInt(4)));
            case TWO_DECIMALS -> BigDecimal.valueOf(random.nextInt(2_000_001) - 1_000_000, 2).toPlainString();
            case FULL_PRECISION -> String.valueOf(random.nextDouble() * 6000 - 3000);
            case MIXED_FORMS -> {
                int unscaled = random.nextInt(2_000_001) - 1_000_000;
                int scale = random.nextInt(5);
                yield switch (random.nextInt(3)) {
                    case 0 -> BigDecimal.valueOf(unscaled, scale).toPlainString();
                    case 1 -> unscaled + "e-" + scale;
                    default -> BigDecimal.valueOf(unscaled, scale).toPlainString() + (scale > 0 ? "000" : ".000");
                };
            }
        };
    }

    private <T> List<T> list(int maxSize, Supplier<T> item) {
        int size = random.nextInt(maxSize + 1);
        List<T> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            items.add(item.get());
        }
        return items;
    }

    /** A JSON string literal of {@code text}: surrogates escaped, so an unpaired one is valid JSON text. */
    static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
