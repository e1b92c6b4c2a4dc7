import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { projectRoot } from '../knowledge/projectRoot';
import { ICON_SIZES } from './validate';

/**
 * Draws the two Teams icons from code, so they can be regenerated exactly
 * (`node dist/manifest/icons.js` rewrites manifest/color.png and manifest/outline.png).
 * The glyph is a speech bubble with a medical cross cut out of it: "help" plus "health service".
 */

/** UHS / UMass maroon, the colour icon's background. */
export const UMASS_MAROON: readonly [number, number, number] = [0x88, 0x1c, 0x1c];

/** Samples per pixel side: 4x4 supersampling gives smooth edges without a drawing library. */
const SUPERSAMPLE = 4;

/** Whether the point (x, y), in glyph units 0..1, is inside the glyph. */
function insideGlyph(x: number, y: number): boolean {
  const inCross = (Math.abs(x - 0.5) <= 0.06 && Math.abs(y - 0.42) <= 0.19) || (Math.abs(x - 0.5) <= 0.19 && Math.abs(y - 0.42) <= 0.06);
  if (inCross) return false;
  // Rounded rectangle 0.05..0.95 x 0.08..0.76 with corner radius 0.16.
  const [left, right, top, bottom, r] = [0.05, 0.95, 0.08, 0.76, 0.16];
  const cx = Math.min(Math.max(x, left + r), right - r);
  const cy = Math.min(Math.max(y, top + r), bottom - r);
  const inBubble = x >= left && x <= right && y >= top && y <= bottom && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  // The tail: a triangle below the bubble's lower left.
  const inTail = y > 0.7 && y <= 0.95 && x >= 0.2 && x <= 0.42 - ((y - 0.7) / 0.25) * 0.22;
  return inBubble || inTail;
}

/**
 * Renders a `size`x`size` PNG: the glyph occupies the square `inset`..`size - inset`, and
 * `paint` turns each pixel's glyph coverage (0..1) into RGBA.
 */
function renderIcon(size: number, inset: number, paint: (coverage: number) => [number, number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  const span = size - 2 * inset;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy += 1) {
        for (let sx = 0; sx < SUPERSAMPLE; sx += 1) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE - inset) / span;
          const y = (py + (sy + 0.5) / SUPERSAMPLE - inset) / span;
          if (insideGlyph(x, y)) hits += 1;
        }
      }
      const rgba = paint(hits / (SUPERSAMPLE * SUPERSAMPLE));
      png.data.set(rgba, (py * size + px) * 4);
    }
  }
  return PNG.sync.write(png);
}

/** The 192x192 colour icon: a white glyph on a full maroon square (Teams crops it itself). */
export function colorIconPng(): Buffer {
  const size = ICON_SIZES.color;
  return renderIcon(size, Math.round(size * 0.2), (c) => {
    const mix = (from: number) => Math.round(from + (255 - from) * c);
    return [mix(UMASS_MAROON[0]), mix(UMASS_MAROON[1]), mix(UMASS_MAROON[2]), 255];
  });
}

/** The 32x32 outline icon: white only, edges anti-aliased through alpha, background transparent. */
export function outlineIconPng(): Buffer {
  return renderIcon(ICON_SIZES.outline, 2, (c) => (c === 0 ? [0, 0, 0, 0] : [255, 255, 255, Math.round(255 * c)]));
}

/** Writes both icons into `dir` (default: the manifest source folder). */
export function writeIcons(dir: string = path.join(projectRoot(), 'manifest')): void {
  fs.writeFileSync(path.join(dir, 'color.png'), colorIconPng());
  fs.writeFileSync(path.join(dir, 'outline.png'), outlineIconPng());
}

if (require.main === module) {
  writeIcons();
  process.stdout.write('Wrote manifest/color.png and manifest/outline.png\n');
}
