/** A label's box: centre, width and height, in drawing units. */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Estimated width of one line of graph label text (10.5 px sans-serif, ~6.1 px a character) plus a margin. */
export function labelWidth(text: string): number {
  return text.length * 6.1 + 10;
}

/** Height a graph label takes, its white halo included. */
export const labelHeight = 15;

const overlaps = (a: LabelBox, b: LabelBox) =>
  Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height;

/**
 * Moves labels off each other and off `obstacles` (the service nodes). Each label, in order, takes the
 * nearest free place from a fixed list of nudges around where its edge wants it (down and up by a line,
 * then sideways), so the result is deterministic and a label stays near its edge. Pure.
 * @returns the labels' new centres, in the order given.
 */
export function placeLabels(
  labels: readonly LabelBox[],
  obstacles: readonly LabelBox[],
): { x: number; y: number }[] {
  const nudges: { dx: number; dy: number }[] = [{ dx: 0, dy: 0 }];
  for (let k = 1; k <= 14; k++) {
    for (const sx of [0, -0.5, 0.5]) {
      nudges.push({ dx: sx * k * 20, dy: k * labelHeight }, { dx: sx * k * 20, dy: -k * labelHeight });
    }
  }
  const placed: LabelBox[] = [];
  return labels.map((l) => {
    const taken = [...obstacles, ...placed];
    const free =
      nudges
        .map((n) => ({ ...l, x: l.x + n.dx, y: l.y + n.dy }))
        .find((c) => !taken.some((t) => overlaps(c, t))) ?? l;
    placed.push(free);
    return { x: free.x, y: free.y };
  });
}

/** Whether any two of `boxes` overlap (for tests and assertions). */
export function anyOverlap(boxes: readonly LabelBox[]): boolean {
  return boxes.some((a, i) => boxes.some((b, j) => j > i && overlaps(a, b)));
}
