package dev.herald.simulator.scenario;

import java.io.PrintStream;
import java.util.List;

/** Left-aligned columns two spaces apart, as kubectl prints them. */
public final class Table {
    private Table() {
    }

    public static void print(PrintStream out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
