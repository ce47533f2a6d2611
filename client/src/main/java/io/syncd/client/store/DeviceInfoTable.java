package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code device_info} row: which server and device this store is. The caller holds the {@link Database} lock. */
public final class DeviceInfoTable {
    private final Database db;

    public DeviceInfoTable(Database db) {
        this.db = db;
    }

    public Optional<DeviceInfo> get() throws SQLException {
        try (ResultSet rs = db.statement("SELECT server, device_id, account_id, device_token, device_name, platform,"
                + " registered_at FROM device_info WHERE id = 1").executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new DeviceInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), Instant.parse(rs.getString(7))));
        }
    }

    public void save(DeviceInfo info) throws SQLException {
        PreparedStatement statement = db.statement("INSERT INTO device_info (id, server, device_id, account_id,"
                + " device_token, device_name, platform, registered_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)");
        statement.setString(1, info.server());
        statement.setString(2, info.deviceId());
        statement.setString(3, info.accountId());
        statement.setString(4, info.deviceToken());
        statement.setString(5, info.deviceName());
        statement.setString(6, info.platform());
        statement.setString(7, info.registeredAt().toString());
        statement.executeUpdate();
    }
}
