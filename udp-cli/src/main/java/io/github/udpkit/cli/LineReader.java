package io.github.udpkit.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 lines from standard input with a bound on their length, so a line with no end cannot
 * exhaust memory. Ends of line are {@code \n} or {@code \r\n}; not thread-safe.
 */
final class LineReader {

    private final BufferedReader in;
    private final int maxChars;
    private int lineNumber;

    LineReader(InputStream in, int maxChars) {
        checkArgument(maxChars > 0, "maxChars must be positive: %s", maxChars);
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)));
        this.maxChars = maxChars;
    }

    /**
     * The next line without its end of line.
     *
     * @return the line, or {@code null} at the end of input
     * @throws CliException if the line is longer than the limit
     */
    String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (sb.length() >= maxChars) {
                throw new CliException("line " + (lineNumber + 1) + " of the input is longer than " + maxChars
                        + " characters");
            }
            sb.append((char) c);
        }
        if (c < 0 && sb.length() == 0) {
            return null;
        }
        lineNumber++;
        int end = sb.length();
        if (end > 0 && sb.charAt(end - 1) == '\r') {
            sb.setLength(end - 1);
        }
        return sb.toString();
    }
}
