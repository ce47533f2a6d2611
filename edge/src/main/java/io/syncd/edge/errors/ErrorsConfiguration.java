package io.syncd.edge.errors;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The problem+json error model; every process imports it, whichever roles it runs. */
@Configuration(proxyBeanMethods = false)
@Import({ProblemAdvice.class, ProblemErrorController.class})
public class ErrorsConfiguration {
}
