"""Drawing a face: python-avatars (avataaars-style SVG) rasterised by resvg.

The parts are chosen by simulator.core.faces; this module only draws them."""

from __future__ import annotations

from simulator.core.faces import COLOR, GLASSES, HAIR, HAIR_COLOR, HEADWEAR, SKIN, TOP, Face


def render_svg(face: Face) -> str:
    import python_avatars as pa

    look = dict(face.look)
    top = pa.HairType[HAIR[str(look["hair"])]]
    kw = {}
    if "headwear" in look:
        top = pa.HatType[HEADWEAR[str(look["headwear"])]]
        kw["hat_color"] = pa.ClothingColor[COLOR[str(look.get("headwear_color", "navy"))]]
    avatar = pa.Avatar(
        style=pa.AvatarStyle.TRANSPARENT,
        top=top,
        eyebrows=pa.EyebrowType[face.eyebrows],
        eyes=pa.EyeType[face.eyes],
        mouth=pa.MouthType[face.mouth],
        # call-overload: int() takes no `object`; check_portrait has made sure skin is an int 1..7
        skin_color=SKIN[int(look["skin"])],  # type: ignore[call-overload]
        hair_color=pa.HairColor[HAIR_COLOR[str(look["hair_color"])]],
        accessory=pa.AccessoryType[GLASSES[str(look["glasses"])]],
        clothing=pa.ClothingType[TOP[str(look["top"])]],
        clothing_color=pa.ClothingColor[COLOR[str(look["top_color"])]],
        shirt_graphic=pa.ClothingGraphic.BEAR if hasattr(pa.ClothingGraphic, "BEAR") else list(pa.ClothingGraphic)[0],
        **kw,
    )
    svg: str = avatar.render()  # python_avatars has no type hints
    return svg


def render_png(face: Face, size: int) -> bytes:
    """The face as PNG bytes, `size` pixels square (resvg; about 35 ms, so callers cache)."""
    import resvg_py

    data = resvg_py.svg_to_bytes(svg_string=render_svg(face), width=size, height=size)
    return bytes(data)
