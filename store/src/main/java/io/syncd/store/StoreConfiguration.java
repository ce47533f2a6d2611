package io.syncd.store;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.decided.DecisionListener;
import io.syncd.store.devices.DevicesTable;
import io.syncd.store.identities.IdentitiesTable;
import io.syncd.store.stats.StatsQuery;
import io.syncd.store.synclog.DecisionsTable;

/**
 * The tables the roles share and the one listener for decided changes, one bean each whichever roles a process runs
 * (each role's configuration imports it).
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {
    @Bean
    AccountsTable accountsTable(JdbcClient jdbc) {
        return new AccountsTable(jdbc);
    }

    @Bean
    DevicesTable devicesTable(JdbcClient jdbc) {
        return new DevicesTable(jdbc);
    }

    @Bean
    IdentitiesTable identitiesTable(JdbcClient jdbc) {
        return new IdentitiesTable(jdbc);
    }

    @Bean
    DecisionsTable decisionsTable(JdbcClient jdbc) {
        return new DecisionsTable(jdbc);
    }

    /** One listening connection for decided changes per process, shared by pushes, imports and whatever else waits. */
    @Bean
    DecisionListener decisionListener(DataSource dataSource) {
        return new DecisionListener(dataSource);
    }

    @Bean
    StatsQuery statsQuery(JdbcClient jdbc) {
        return new StatsQuery(jdbc);
    }
}
