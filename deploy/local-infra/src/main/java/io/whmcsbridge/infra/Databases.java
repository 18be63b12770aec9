package io.whmcsbridge.infra;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** PostgreSQL helpers of this package: a connection, a checked identifier, a database created once. */
public final class Databases {
    private Databases() {
    }

    /** A connection through pgjdbc's driver itself (not DriverManager, whose registry depends on class loaders). */
    static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        Connection c = new org.postgresql.Driver().connect(jdbcUrl, p);
        if (c == null) {
            throw new SQLException("not a PostgreSQL URL: " + jdbcUrl);
        }
        return c;
    }

    static String checkIdentifier(String name, String what) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException(what + " must be lower-case letters, digits and _: " + name);
        }
        return name;
    }

    /** CREATE DATABASE unless it exists; {@code owner} may be null. */
    public static void createDatabase(String adminJdbcUrl, String user, String password, String name, String owner) {
        checkIdentifier(name, "database name");
        try (Connection c = connect(adminJdbcUrl, user, password); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE DATABASE " + name + (owner == null ? "" : " OWNER " + checkIdentifier(owner, "owner")));
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently
                throw new IllegalStateException("could not create database " + name, e);
            }
        }
    }
}
