package org.callvault.system;

import java.util.List;

/** RFC 4180 lines for CSV exports, with formula-like cells neutralised for spreadsheets. */
public final class CsvCells {

    private CsvCells() {
    }

    public static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    public static String cell(String value) {
        String text = value == null ? "" : value;
        // A caller name like "=HYPERLINK(...)" must not become a formula in the admin's spreadsheet.
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !text.matches("\\+[0-9 ()-]*")) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
