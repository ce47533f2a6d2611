package io.syncd.store;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.devices.DevicesTable;
import io.syncd.store.stats.StatsQuery;
import io.syncd.store.synclog.DecisionsTable;

/** The tables the roles share, one bean each whichever roles a process runs (each role's configuration imports it). */
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
    DecisionsTable decisionsTable(JdbcClient jdbc) {
        return new DecisionsTable(jdbc);
    }

    @Bean
    StatsQuery statsQuery(JdbcClient jdbc) {
        return new StatsQuery(jdbc);
    }
}
