"""A QR code as a matrix of dark modules (the qrcode package), for the projector to draw."""

from __future__ import annotations


def qr_matrix(text: str) -> list[list[bool]]:
    import qrcode

    q = qrcode.QRCode(border=2)
    q.add_data(text)
    q.make(fit=True)
    return q.get_matrix()
