package io.pgsink.app;

/** The little JSON the offsets commands print: strings escaped per RFC 8259, absent offsets as null. */
final class Json {

    private Json() {}

    static String string(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    /** An offset, or null where there is none (-1). */
    static String offset(long offset) {
        return offset < 0 ? "null" : Long.toString(offset);
    }
}
