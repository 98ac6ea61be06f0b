package io.pgsink.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Masks secrets in values that are printed: a JDBC URL can carry a password as a parameter or as userinfo, and
 * pass-through settings such as {@code sasl.jaas.config} or {@code ssl.keystore.password} carry credentials.
 */
final class SecretRedactor {

    static final String MASK = "***";

    // Any parameter whose name contains "password" (password, sslpassword), up to the next parameter.
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&][^=&]*password=)[^&#]*");
    // user:password@ before the host; greedy so a password containing '@' is masked whole.
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/?#@:]*):[^/?#]*@");
    private static final Pattern SECRET_SETTING =
            Pattern.compile("(?i).*(password|secret|jaas|credential|token|\\.key$).*");

    private SecretRedactor() {}

    /** The URL with every password parameter value and the userinfo password replaced by {@value #MASK}. */
    static String url(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1" + MASK);
        return USERINFO_PASSWORD.matcher(masked).replaceFirst("$1:" + MASK + "@");
    }

    /** A sorted copy of pass-through settings with the values of credential-like keys replaced by {@value #MASK}. */
    static Map<String, String> settings(Map<String, String> settings) {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach(
                (key, value) -> shown.put(key, SECRET_SETTING.matcher(key).matches() ? MASK : value));
        return shown;
    }
}
