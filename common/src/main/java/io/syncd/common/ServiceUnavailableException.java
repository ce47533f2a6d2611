package io.syncd.common;

/**
 * A backing service (Kafka, PostgreSQL) cannot take the work now; the same request may succeed when retried. The HTTP
 * edge answers it with 503, so code below the edge never has to know about HTTP.
 */
public class ServiceUnavailableException extends RuntimeException {
    public ServiceUnavailableException(String message) {
        super(message);
    }
}
