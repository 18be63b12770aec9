package io.whmcsbridge.runtime.ingress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of text, for API keys (stored only hashed) and request fingerprints. */
final class Sha256 {
    private Sha256() {
    }

    static byte[] of(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(String text) {
        return HexFormat.of().formatHex(of(text));
    }
}
