// SVG -> PNG for e-mail: mail clients do not show SVG reliably (Gmail and Outlook drop it), so a
// scheduled report's tiles and charts travel as PNG images drawn from the very SVG the pages show.
// resvg (Rust, shipped as a prebuilt binary inside its npm package) renders without a browser.
import { Resvg } from "@resvg/resvg-js";

/**
 * Text is drawn with the machine's fonts: the charts ask for system-ui/sans-serif, which resvg maps
 * to DejaVu Sans (Debian's fonts-dejavu-core), else to any sans font it finds.
 */
const font = { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" };

/** The SVG as a PNG, `scale` times its own width (2 = sharp on phones' high-density screens). */
export function svgToPng(svg: string, options: { scale?: number } = {}): Buffer {
  const scale = options.scale ?? 2;
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 360);
  const png = new Resvg(svg, { font, fitTo: { mode: "width", value: Math.round(width * scale) }, background: "#ffffff" }).render().asPng();
  return Buffer.from(png);
}
