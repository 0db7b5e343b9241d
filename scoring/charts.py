"""Small, self-contained SVG charts (bars and lines) for reports and the progress view.

No dependencies and no network: the SVG is text that an HTML report embeds inline. Every label
is escaped. Lines get distinct markers as well as colours (no information by colour alone)."""

from __future__ import annotations

from html import escape

PALETTE = ("#2e608c", "#3a7a54", "#a8463c", "#b08028", "#6b4c9a", "#3c8d93")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")


def bar_chart(title: str, items: list[tuple[str, float]], *, width: int = 560, unit: str = "") -> str:
    """Horizontal bars: one row per (label, value)."""
    row, left, pad = 26, 190, 12
    height = pad * 2 + 24 + row * max(1, len(items))
    top = max([v for _, v in items] + [1])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f'<text x="{pad}" y="{pad + 12}" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = pad + 24 + i * row
        w = int((width - left - 70) * (value / top)) if top else 0
        out.append(f'<text x="{pad}" y="{y + 15}">{escape(label[:28])}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{max(w, 1)}" height="16" fill="{PALETTE[0]}" rx="3"/>')
        out.append(f'<text x="{left + w + 6}" y="{y + 15}">{escape(_num(value))}{escape(unit)}</text>')
    out.append("</svg>")
    return "".join(out)


def line_chart(
    title: str,
    series: dict[str, list[float]],
    *,
    width: int = 560,
    height: int = 240,
    ymax: float = 100.0,
    xlabel: str = "run",
) -> str:
    """Lines over a shared x axis (1, 2, 3, ...), each with its own colour and marker."""
    pad, left, bottom = 12, 40, 40
    plot_w, plot_h = width - left - pad, height - pad - 24 - bottom
    n = max([len(v) for v in series.values()] + [1])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family="Helvetica, Arial, sans-serif" font-size="11">',
        f'<text x="{pad}" y="{pad + 12}" font-weight="bold" font-size="12">{escape(title)}</text>',
    ]
    y0 = pad + 24
    for frac in (0, 0.5, 1):
        y = y0 + plot_h * (1 - frac)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="4" y="{y + 4:.1f}">{_num(ymax * frac)}</text>')
    for k, (name, values) in enumerate(series.items()):
        color, marker = PALETTE[k % len(PALETTE)], MARKERS[k % len(MARKERS)]
        pts = [
            (
                left + (plot_w * i / max(1, n - 1) if n > 1 else plot_w / 2),
                y0 + plot_h * (1 - max(0.0, min(ymax, v)) / ymax),
            )
            for i, v in enumerate(values)
        ]
        if len(pts) > 1:
            out.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
                + '"/>'
            )
        for x, y in pts:
            out.append(_marker(marker, x, y, color))
        lx = left + (k % 3) * (plot_w // 3)
        ly = height - 22 + (k // 3) * 12
        out.append(_marker(marker, lx + 4, ly - 4, color) + f'<text x="{lx + 12}" y="{ly}">{escape(name)}</text>')
    out.append(f'<text x="{left + plot_w - 30}" y="{y0 + plot_h + 14}">{escape(xlabel)} →</text>')
    out.append("</svg>")
    return "".join(out)


def _marker(kind: str, x: float, y: float, color: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{color}"/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 4.5:.1f} {x - 4.5:.1f},{y + 4:.1f} {x + 4.5:.1f},{y + 4:.1f}" fill="{color}"/>'
    if kind == "diamond":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x + 5:.1f},{y:.1f}" fill="{color}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"/>'


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 else f"{v:,.1f}"
