package io.sipdispatch.server.config;

/**
 * One caller of the management API.
 *
 * @param name     who it is, as change logs name it
 * @param password for HTTP basic authentication; or
 * @param token    for {@code Authorization: Bearer TOKEN}; exactly one of the two
 * @param role     {@code read} or {@code write} (default {@code read})
 */
public record ManagementUser(String name, String password, String token, String role) {
    public ManagementUser {
        if (name == null || name.isBlank() || name.contains(":")) {
            throw new IllegalArgumentException("a management user needs a name, without ':'");
        }
        if ((password == null) == (token == null)) {
            throw new IllegalArgumentException("management user '" + name + "' needs exactly one of password and token");
        }
        if ((password != null && password.length() < 8) || (token != null && token.length() < 16)) {
            throw new IllegalArgumentException("management user '" + name + "': a password has at least 8 characters,"
                + " a token at least 16");
        }
        role = role == null ? "read" : role;
        if (!role.equals("read") && !role.equals("write")) {
            throw new IllegalArgumentException("management user '" + name + "': role must be 'read' or 'write', not '"
                + role + "'");
        }
    }

    public boolean writes() {
        return role.equals("write");
    }
}
