package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.ObjectNode;

/** The change event's data text is exactly what Jackson's mapper writes, for every value normalizing produces. */
class DataTextTest {
    private static final String ALPHABET = "aZ09 \"\\/\b\t\n\f\r\u0000\u0001\u001f\u007f\u0080é€\u2028\uffff";

    @Test
    void writesWhatTheMapperWritesForRandomNormalizedData() {
        Random random = new Random(34);
        for (int i = 0; i < 5_000; i++) {
            ObjectNode data = Json.MAPPER.createObjectNode();
            int fields = random.nextInt(8);
            for (int f = 0; f < fields; f++) {
                String name = f == 0 && random.nextBoolean() ? text(random) : "field_" + f;
                switch (random.nextInt(7)) {
                    case 0 -> data.put(name, text(random));
                    case 1 -> data.put(name, random.nextInt());
                    case 2 -> data.put(name, random.nextLong());
                    case 3 -> data.put(name, random.nextBoolean());
                    case 4 -> data.putNull(name);
                    case 5 -> {
                        byte[] bytes = new byte[random.nextInt(40)];
                        random.nextBytes(bytes);
                        data.put(name, bytes);
                    }
                    default -> data.put(name, "\ud83d\udcd3 " + text(random));
                }
            }

            assertThat(DataText.of(data)).isEqualTo(Json.MAPPER.writeValueAsString(data));
        }
    }

    @Test
    void refusesAValueNormalizingNeverProduces() {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("ratio", 0.5);

        assertThatThrownBy(() -> DataText.of(data)).hasMessageContaining("data.ratio is not a normalized value");
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(30);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }
}
