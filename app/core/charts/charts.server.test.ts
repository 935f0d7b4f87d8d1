import { describe, expect, it } from "vitest";
import { renderChart, textWidthEm } from "./charts.server.ts";

const labels = { category: "Bulan", stage: "Tahap", value: "Nilai" };

describe("server-drawn charts", () => {
  it("draws a line chart with title, description and a point per value, sized for a phone", () => {
    const chart = renderChart(
      "visits",
      { kind: "line", title: "Kunjungan <per> bulan", description: "Jumlah kunjungan", categories: ["Jan", "Feb", "Mar"], series: [{ name: "Kunjungan", values: [3, 5, null] }] },
      labels,
    );
    expect(chart.svg).toMatch(/^<svg [^>]*viewBox="0 0 360 /);
    expect(chart.svg).toContain('<title id="visits-title">Kunjungan &lt;per&gt; bulan</title>');
    expect(chart.svg).toContain('<desc id="visits-desc">Jumlah kunjungan</desc>');
    // two defined values -> two dots; the gap (null) draws none
    expect(chart.svg.match(/<circle /g)).toHaveLength(2);
    expect(chart.table).toEqual({ columns: ["Bulan", "Kunjungan"], rows: [["Jan", "3"], ["Feb", "5"], ["Mar", "–"]] });
  });

  it("stacks bars so the top of the last segment is the category total", () => {
    const chart = renderChart("s", {
      kind: "stackedBar",
      title: "t",
      description: "d",
      categories: ["A", "B"],
      series: [
        { name: "x", values: [1, 2] },
        { name: "y", values: [3, 0] },
      ],
      horizontal: true,
    });
    // four segments; in horizontal mode the label after each bar is the total (4 and 2)
    expect(chart.svg.match(/<rect x=/g)!.length).toBeGreaterThanOrEqual(4);
    expect(chart.svg).toContain(">4</text>");
    expect(chart.svg).toContain(">2</text>");
    expect(chart.table.rows).toEqual([
      ["A", "1", "3"],
      ["B", "2", "0"],
    ]);
  });

  it("groups bars side by side with a legend per series", () => {
    const chart = renderChart("g", {
      kind: "groupedBar",
      title: "t",
      description: "d",
      categories: ["Sen", "Sel"],
      series: [
        { name: "Terkonfirmasi", values: [1, 2] },
        { name: "Belum", values: [3, 4] },
      ],
    });
    expect(chart.svg).toContain("Terkonfirmasi");
    expect(chart.svg).toContain("Belum");
  });

  it("draws a heatmap cell per value with its reading in a tooltip", () => {
    const chart = renderChart("h", {
      kind: "heatmap",
      title: "No-show",
      description: "d",
      rows: ["Sen", "Sel"],
      columns: ["08", "09"],
      values: [
        [0.1, null],
        [0.5, 0.25],
      ],
      format: (v) => `${Math.round(v * 100)}%`,
    });
    expect(chart.svg.match(/<rect [^>]*stroke="#e5e7eb" stroke-width="0.5">/g)).toHaveLength(4);
    expect(chart.svg).toContain("<title>Sel · 08: 50%</title>");
    expect(chart.table.rows[0]).toEqual(["Sen", "10%", "–"]);
  });

  it("gives a heatmap's row labels the room they need (a cohort's month was cut to 11/…)", () => {
    const chart = renderChart("c", { kind: "heatmap", title: "Kohort", description: "d", rows: ["11/26", "12/26"], columns: ["1", "2"], values: [[0.86, null], [null, null]] });
    expect(chart.svg).toContain(">11/26</text>");
    expect(chart.svg).not.toContain("…");
  });

  it("shows each funnel stage with its share of the first", () => {
    const chart = renderChart(
      "f",
      { kind: "funnel", title: "Rujukan", description: "d", stages: [{ name: "Dikirim", value: 10 }, { name: "Diterima", value: 8 }, { name: "Berkunjung", value: 5 }] },
      labels,
    );
    expect(chart.svg).toContain("Diterima: 8 (80%)");
    expect(chart.svg).toContain("Berkunjung: 5 (50%)");
    expect(chart.table).toEqual({ columns: ["Tahap", "Nilai"], rows: [["Dikirim", "10"], ["Diterima", "8"], ["Berkunjung", "5"]] });
  });

  it("escapes every text so a name cannot inject markup", () => {
    const chart = renderChart("x", { kind: "groupedBar", title: "t", description: "d", categories: ['<script>alert(1)</script>'], series: [{ name: '"a"', values: [1] }] });
    expect(chart.svg).not.toContain("<script>");
  });
});

describe("labels that do not fit", () => {
  it("gives long category names of horizontal bars room, cuts longer ones with … and keeps the full name in <title>", () => {
    const long = "Poli Penyakit Dalam dan Geriatri Terpadu Lantai Tiga Gedung Utama";
    const chart = renderChart("long", {
      kind: "groupedBar",
      horizontal: true,
      title: "t",
      description: "d",
      categories: ["Poli Anak", "Poli Penyakit Dalam", long],
      series: [{ name: "Kunjungan", values: [3, 5, 7] }],
    });
    // "Poli Penyakit Dalam" fits whole: the margin grew instead of clipping it at the left edge
    expect(chart.svg).toContain(">Poli Penyakit Dalam</text>");
    expect(chart.svg).toContain(`<title>${long}</title>`);
    const shown = chart.svg.match(new RegExp(`<title>${long}</title>([^<]*)</text>`))![1];
    expect(shown.endsWith("…")).toBe(true);
    // every label ends right of x = 0: its estimated width fits the margin it is anchored in
    for (const m of chart.svg.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="end"[^>]*>(?:<title>[^<]*<\/title>)?([^<]*)<\/text>/g)) {
      expect(Number(m[1]) - textWidthEm(m[2]) * 11).toBeGreaterThanOrEqual(0);
    }
  });

  it("formats its own axis numbers in the reader's language", () => {
    const series = [{ name: "n", values: [1500, 2500] }];
    const en = renderChart("en", { kind: "line", title: "t", description: "d", categories: ["a", "b"], series, language: "en" });
    const id = renderChart("id", { kind: "line", title: "t", description: "d", categories: ["a", "b"], series, language: "id" });
    expect(en.table.rows[0][1]).toBe("1,500");
    expect(id.table.rows[0][1]).toBe("1.500");
  });
});
