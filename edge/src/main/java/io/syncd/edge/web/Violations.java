package io.syncd.edge.web;

import java.util.ArrayList;
import java.util.List;

import io.syncd.edge.errors.ApiException;
import io.syncd.edge.errors.FieldError;

/** Collects every invalid field of a request, so the client learns all of them from one answer. */
public final class Violations {
    private final List<FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    public int size() {
        return errors.size();
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
