// KPI tiles drawn as one SVG (then a PNG for e-mail): the same name, value and ▲/▼ change a
// dashboard shows, two tiles a row, 360 wide like the charts.
import { escapeXml, fitText, textWidthEm } from "../charts/charts.server.ts";
import type { TileView } from "./dashboard.server.ts";

const width = 360;
const gap = 8;
const tileWidth = (width - gap * 3) / 2;
const tileHeight = 74;
const font = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"`;

/** A figure is never cut: a long one (Rp 12.500.000.000) is drawn smaller; bold runs ~12 % wider than the estimate. */
function valueSize(value: string) {
  return Math.max(10, Math.min(20, Math.floor((tileWidth - 20) / (textWidthEm(value) * 1.12))));
}

/** The tiles as an SVG with a <title> and a <desc> listing every figure (the image's text alternative). */
export function tilesSvg(tiles: TileView[], labels: { title: string; now: string; noPrevious: string }): { svg: string; alt: string } {
  const rows = Math.ceil(tiles.length / 2);
  const height = gap + rows * (tileHeight + gap);
  const alt = tiles.map((t) => `${t.name}: ${t.value}${t.change ? ` (${t.change.text})` : ""}`).join("; ");
  const body = tiles
    .map((tile, i) => {
      const x = gap + (i % 2) * (tileWidth + gap);
      const y = gap + Math.floor(i / 2) * (tileHeight + gap);
      const change = tile.snapshot
        ? { text: labels.now, colour: "#4b5563" }
        : tile.change
          ? { text: `${tile.change.direction === "up" ? "▲ " : tile.change.direction === "down" ? "▼ " : "= "}${tile.change.text}`, colour: tile.change.good ? "#047857" : "#b91c1c" }
          : { text: labels.noPrevious, colour: "#4b5563" };
      return (
        `<rect x="${x}" y="${y}" width="${tileWidth}" height="${tileHeight}" rx="6" fill="#f8fafc" stroke="#d8dee4"/>` +
        `<text x="${x + 10}" y="${y + 20}" font-size="11" fill="#4b5563">${escapeXml(fitText(tile.name, tileWidth - 20, 11))}</text>` +
        `<text x="${x + 10}" y="${y + 46}" font-size="${valueSize(tile.value)}" font-weight="bold" fill="#111827">${escapeXml(tile.value)}</text>` +
        `<text x="${x + 10}" y="${y + 64}" font-size="11" fill="${change.colour}">${escapeXml(fitText(change.text, tileWidth - 20, 11))}</text>`
      );
    })
    .join("");
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ${font}>` +
    `<title>${escapeXml(labels.title)}</title><desc>${escapeXml(alt)}</desc>${body}</svg>`;
  return { svg, alt };
}
