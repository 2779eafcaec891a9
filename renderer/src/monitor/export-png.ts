/**
 * The charts as one PNG, laid out as on screen. Each chart's SVG is drawn onto a canvas; its colours come from CSS
 * variables, which an SVG loaded as an image cannot see, so every element's computed paint is written inline
 * first. Texts in HTML (titles, current values) are drawn with the canvas's own text calls.
 */
const PAINT = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
];

function inlineSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const out = dst[i] as SVGElement;
    out.setAttribute('style', PAINT.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'));
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  return new XMLSerializer().serializeToString(clone);
}

function loadImage(svgText: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
    // A data: URL, since the page's policy allows data: images (not blob: ones) in both transports.
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  });
}

function text(ctx: CanvasRenderingContext2D, el: Element | null, origin: DOMRect): void {
  if (!(el instanceof HTMLElement) || !el.textContent) return;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  ctx.fillStyle = cs.color;
  ctx.textBaseline = 'middle';
  ctx.fillText(el.textContent.trim(), r.left - origin.left, r.top - origin.top + r.height / 2, r.width + 4);
}

/** Renders every `.chart-card` under `grid` into one PNG blob. */
export async function chartsToPng(grid: HTMLElement, title: string): Promise<Blob> {
  const cards = [...grid.querySelectorAll<HTMLElement>('.chart-card')];
  if (cards.length === 0) throw new Error('there is no chart to export');
  const origin = grid.getBoundingClientRect();
  const pad = 12;
  const scale = Math.max(2, window.devicePixelRatio || 1);
  const rects = cards.map((c) => c.getBoundingClientRect());
  const width = Math.max(...rects.map((r) => r.right)) - origin.left + 2 * pad;
  const height = Math.max(...rects.map((r) => r.bottom)) - origin.top + pad + 28;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.scale(scale, scale);
  const rootStyle = getComputedStyle(grid);
  ctx.fillStyle = rootStyle.getPropertyValue('--nn-window') || '#eff0f1';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = rootStyle.color;
  ctx.font = `600 14px ${rootStyle.fontFamily}`;
  ctx.textBaseline = 'middle';
  ctx.fillText(title, pad, 14);

  // Cards keep their on-screen offsets, moved down under the title line.
  const shifted = new DOMRect(origin.left - pad, origin.top - 28, origin.width, origin.height);
  for (const [i, card] of cards.entries()) {
    const r = rects[i]!;
    const cs = getComputedStyle(card);
    ctx.fillStyle = cs.backgroundColor;
    ctx.strokeStyle = cs.borderTopColor;
    ctx.beginPath();
    ctx.roundRect(r.left - shifted.left + 0.5, r.top - shifted.top + 0.5, r.width - 1, r.height - 1, 6);
    ctx.fill();
    ctx.stroke();
    text(ctx, card.querySelector('.chart-card__title'), shifted);
    text(ctx, card.querySelector('.chart-card__kind'), shifted);
    for (const v of card.querySelectorAll('.chart-card__now > span')) {
      const sw = v.querySelector('.swatch');
      if (sw) {
        const s = sw.getBoundingClientRect();
        ctx.fillStyle = getComputedStyle(sw).backgroundColor;
        ctx.fillRect(s.left - shifted.left, s.top - shifted.top, s.width, s.height);
      }
      text(ctx, v.querySelector('.chart-card__dir'), shifted);
      text(ctx, v.querySelector('.chart-card__val'), shifted);
    }
    const svg = card.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) continue;
    const s = svg.getBoundingClientRect();
    ctx.drawImage(await loadImage(inlineSvg(svg)), s.left - shifted.left, s.top - shifted.top, s.width, s.height);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'),
  );
}

/** Hands a file to the browser's download (Electron asks where to save it). */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileStamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
