# syntax=docker/dockerfile:1
# The sync server image: one jar for every role; the role is chosen at run time with --sync.roles.
# docker-compose.yml runs it against an external Kafka and PostgreSQL; run alone, it starts embedded ones
# under /app/sync-data (mount a volume there to keep them).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# Only the poms and sources: local target/ and sync-data/ folders must not leak into the build (.dockerignore also
# keeps them out of the build context). A new module needs its two lines here as well as its entry in the root pom.
COPY pom.xml ./
COPY common/pom.xml common/
COPY common/src common/src
COPY migrations/pom.xml migrations/
COPY migrations/src migrations/src
COPY edge/pom.xml edge/
COPY edge/src edge/src
COPY store/pom.xml store/
COPY store/src store/src
COPY applier/pom.xml applier/
COPY applier/src applier/src
COPY gateway/pom.xml gateway/
COPY gateway/src gateway/src
COPY projector/pom.xml projector/
COPY projector/src projector/src
COPY standalone/pom.xml standalone/
COPY standalone/src standalone/src
COPY client/pom.xml client/
COPY client/src client/src
COPY bench/pom.xml bench/
COPY bench/src bench/src
# The cache mount keeps downloaded dependencies between builds without putting them in a layer.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -DskipTests package -pl standalone -am

FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK below (and docker-compose.yml's): installed here, not assumed to come with the base image.
# A fixed numeric uid, so orchestrators can verify the process is not root (runAsNonRoot).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 syncd \
 && useradd --system --uid 10001 --gid syncd --home-dir /app --no-create-home --shell /usr/sbin/nologin syncd
WORKDIR /app
COPY --from=build /build/standalone/target/sync-standalone.jar /app/sync-standalone.jar
# The server always creates sync.data-dir (default ./sync-data, here /app/sync-data), even with an external Kafka
# and PostgreSQL, and keeps a generated admin token there when sync.admin-token is unset; the jar stays root-owned.
RUN mkdir /app/sync-data && chown syncd:syncd /app/sync-data
USER 10001:10001
EXPOSE 8080
# Secrets come as files, never as arguments or environment variables (which `ps` and `docker inspect` show): a file
# /run/secrets/<property> (docker-compose.yml's secrets, or a mounted volume) is that property's value, e.g.
# /run/secrets/spring.datasource.password or /run/secrets/sync.admin-token. optional: nothing there is fine.
ENV SPRING_CONFIG_IMPORT=optional:configtree:/run/secrets/
# /health is 200 only when PostgreSQL and Kafka answer and this process's applier, if any, is consuming. Assumes the
# default server.port=8080.
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["java", "-jar", "/app/sync-standalone.jar"]
