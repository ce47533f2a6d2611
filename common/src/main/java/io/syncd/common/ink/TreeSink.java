package io.syncd.common.ink;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ContainerNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Builds the decoded value as a Jackson tree: whole numbers as int or long nodes (as Jackson's parser makes them),
 * others as exact decimal nodes, a number only its text holds as a raw value node that writes that text.
 */
final class TreeSink implements InkSink {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Deque<ContainerNode<?>> open = new ArrayDeque<>();
    private String key;
    private JsonNode result;

    JsonNode result() {
        return result;
    }

    private void add(JsonNode value) {
        ContainerNode<?> parent = open.peek();
        if (parent == null) {
            result = value;
        } else if (parent instanceof ArrayNode array) {
            array.add(value);
        } else {
            ((ObjectNode) parent).set(key, value);
        }
    }

    @Override
    public void startArray(int size) {
        ArrayNode array = NODES.arrayNode(size);
        add(array);
        open.push(array);
    }

    @Override
    public void endArray() {
        open.pop();
    }

    @Override
    public void startObject(int size) {
        ObjectNode object = NODES.objectNode();
        add(object);
        open.push(object);
    }

    @Override
    public void key(String key) {
        this.key = key;
    }

    @Override
    public void endObject() {
        open.pop();
    }

    @Override
    public void nullValue() {
        add(NODES.nullNode());
    }

    @Override
    public void booleanValue(boolean value) {
        add(NODES.booleanNode(value));
    }

    @Override
    public void longValue(long value) {
        add(value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value));
    }

    @Override
    public void decimalValue(BigDecimal value, String text) {
        add(NODES.numberNode(value));
    }

    @Override
    public void numberText(String text) {
        add(NODES.rawValueNode(new RawValue(text)));
    }

    @Override
    public void string(String value) {
        add(NODES.stringNode(value));
    }
}
