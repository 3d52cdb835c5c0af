"""CSS colours: parsing, mixing and WCAG contrast.

Branding colours are typed by people, so every CSS colour syntax a browser
accepts for an opaque colour is understood (hex, ``rgb()``, ``hsl()`` and the
named colours) and stored as ``#rrggbb``. Translucent colours are refused: the
contrast of a translucent text colour depends on what is behind it.
"""

from __future__ import annotations

import re

RGB = tuple[int, int, int]


class ColourError(ValueError):
    """The text is not an opaque CSS colour."""


# CSS Color Module Level 4, named colours.
NAMED_COLOURS: dict[str, str] = dict(
    pair.split(":")
    for pair in (
        "aliceblue:f0f8ff antiquewhite:faebd7 aqua:00ffff aquamarine:7fffd4 azure:f0ffff "
        "beige:f5f5dc bisque:ffe4c4 black:000000 blanchedalmond:ffebcd blue:0000ff "
        "blueviolet:8a2be2 brown:a52a2a burlywood:deb887 cadetblue:5f9ea0 chartreuse:7fff00 "
        "chocolate:d2691e coral:ff7f50 cornflowerblue:6495ed cornsilk:fff8dc crimson:dc143c "
        "cyan:00ffff darkblue:00008b darkcyan:008b8b darkgoldenrod:b8860b darkgray:a9a9a9 "
        "darkgreen:006400 darkgrey:a9a9a9 darkkhaki:bdb76b darkmagenta:8b008b "
        "darkolivegreen:556b2f darkorange:ff8c00 darkorchid:9932cc darkred:8b0000 "
        "darksalmon:e9967a darkseagreen:8fbc8f darkslateblue:483d8b darkslategray:2f4f4f "
        "darkslategrey:2f4f4f darkturquoise:00ced1 darkviolet:9400d3 deeppink:ff1493 "
        "deepskyblue:00bfff dimgray:696969 dimgrey:696969 dodgerblue:1e90ff firebrick:b22222 "
        "floralwhite:fffaf0 forestgreen:228b22 fuchsia:ff00ff gainsboro:dcdcdc "
        "ghostwhite:f8f8ff gold:ffd700 goldenrod:daa520 gray:808080 green:008000 "
        "greenyellow:adff2f grey:808080 honeydew:f0fff0 hotpink:ff69b4 indianred:cd5c5c "
        "indigo:4b0082 ivory:fffff0 khaki:f0e68c lavender:e6e6fa lavenderblush:fff0f5 "
        "lawngreen:7cfc00 lemonchiffon:fffacd lightblue:add8e6 lightcoral:f08080 "
        "lightcyan:e0ffff lightgoldenrodyellow:fafad2 lightgray:d3d3d3 lightgreen:90ee90 "
        "lightgrey:d3d3d3 lightpink:ffb6c1 lightsalmon:ffa07a lightseagreen:20b2aa "
        "lightskyblue:87cefa lightslategray:778899 lightslategrey:778899 lightsteelblue:b0c4de "
        "lightyellow:ffffe0 lime:00ff00 limegreen:32cd32 linen:faf0e6 magenta:ff00ff "
        "maroon:800000 mediumaquamarine:66cdaa mediumblue:0000cd mediumorchid:ba55d3 "
        "mediumpurple:9370db mediumseagreen:3cb371 mediumslateblue:7b68ee "
        "mediumspringgreen:00fa9a mediumturquoise:48d1cc mediumvioletred:c71585 "
        "midnightblue:191970 mintcream:f5fffa mistyrose:ffe4e1 moccasin:ffe4b5 "
        "navajowhite:ffdead navy:000080 oldlace:fdf5e6 olive:808000 olivedrab:6b8e23 "
        "orange:ffa500 orangered:ff4500 orchid:da70d6 palegoldenrod:eee8aa palegreen:98fb98 "
        "paleturquoise:afeeee palevioletred:db7093 papayawhip:ffefd5 peachpuff:ffdab9 "
        "peru:cd853f pink:ffc0cb plum:dda0dd powderblue:b0e0e6 purple:800080 "
        "rebeccapurple:663399 red:ff0000 rosybrown:bc8f8f royalblue:4169e1 "
        "saddlebrown:8b4513 salmon:fa8072 sandybrown:f4a460 seagreen:2e8b57 seashell:fff5ee "
        "sienna:a0522d silver:c0c0c0 skyblue:87ceeb slateblue:6a5acd slategray:708090 "
        "slategrey:708090 snow:fffafa springgreen:00ff7f steelblue:4682b4 tan:d2b48c "
        "teal:008080 thistle:d8bfd8 tomato:ff6347 turquoise:40e0d0 violet:ee82ee "
        "wheat:f5deb3 white:ffffff whitesmoke:f5f5f5 yellow:ffff00 yellowgreen:9acd32"
    ).split()
)

_HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")
_FUNCTION = re.compile(r"(rgba?|hsla?)\((.*)\)")
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?"
_COMPONENT = re.compile(rf"({_NUMBER})(%|deg|turn|rad|grad)?")


def _alpha_is_opaque(component: str | None) -> bool:
    if component is None:
        return True
    match = _COMPONENT.fullmatch(component)
    if not match:
        raise ColourError(component)
    value = float(match.group(1))
    return (value / 100 if match.group(2) == "%" else value) >= 1


def _split_arguments(arguments: str) -> tuple[list[str], str | None]:
    """Both ``rgb(1, 2, 3, .5)`` and ``rgb(1 2 3 / 50%)`` forms."""
    arguments = arguments.strip()
    if "," in arguments:
        parts = [part.strip() for part in arguments.split(",")]
        if len(parts) not in (3, 4):
            raise ColourError(arguments)
        return parts[:3], (parts[3] if len(parts) == 4 else None)
    main, _, alpha = arguments.partition("/")
    return main.split(), alpha.strip() if alpha else None


def _rgb_channel(component: str) -> int:
    match = _COMPONENT.fullmatch(component)
    if not match or match.group(2) not in (None, "%"):
        raise ColourError(component)
    value = float(match.group(1))
    if match.group(2) == "%":
        value = value * 255 / 100
    return round(min(max(value, 0.0), 255.0))


def _hue_degrees(component: str) -> float:
    match = _COMPONENT.fullmatch(component)
    if not match or match.group(2) == "%":
        raise ColourError(component)
    value = float(match.group(1))
    per_unit = {None: 1.0, "deg": 1.0, "turn": 360.0, "grad": 0.9, "rad": 57.29577951308232}
    return (value * per_unit[match.group(2)]) % 360


def _percentage(component: str) -> float:
    match = _COMPONENT.fullmatch(component)
    if not match or match.group(2) not in ("%", None):
        raise ColourError(component)
    return min(max(float(match.group(1)), 0.0), 100.0) / 100


def _hsl_to_rgb(hue: float, saturation: float, lightness: float) -> RGB:
    def channel(n: int) -> int:
        k = (n + hue / 30) % 12
        a = saturation * min(lightness, 1 - lightness)
        return round(255 * (lightness - a * max(-1, min(k - 3, 9 - k, 1))))

    return channel(0), channel(8), channel(4)


def colour_parse(text: str) -> RGB:
    """The RGB of an opaque CSS colour. Raises ColourError for anything else."""
    value = (text or "").strip().lower()
    if not value or len(value) > 64:
        raise ColourError(text)
    if value in NAMED_COLOURS:
        value = "#" + NAMED_COLOURS[value]
    if hex_match := _HEX.fullmatch(value):
        digits = hex_match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(digit * 2 for digit in digits)
        if len(digits) == 8 and digits[6:] != "ff":
            raise ColourError(text)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    function_match = _FUNCTION.fullmatch(value)
    if not function_match:
        raise ColourError(text)
    kind, arguments = function_match.groups()
    parts, alpha = _split_arguments(arguments)
    if len(parts) != 3 or not _alpha_is_opaque(alpha):
        raise ColourError(text)
    if kind.startswith("rgb"):
        red, green, blue = (_rgb_channel(part) for part in parts)
        return red, green, blue
    return _hsl_to_rgb(_hue_degrees(parts[0]), _percentage(parts[1]), _percentage(parts[2]))


def colour_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def colour_normalise(text: str) -> str:
    """``text`` as ``#rrggbb``. Raises ColourError."""
    return colour_hex(colour_parse(text))


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: RGB, second: RGB) -> float:
    """WCAG 2 contrast ratio, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour_mix(first: RGB, second: RGB, share_of_second: float) -> RGB:
    red, green, blue = (
        round(a + (b - a) * share_of_second) for a, b in zip(first, second, strict=True)
    )
    return red, green, blue


def readable_on(background: RGB) -> RGB:
    """Black or white, whichever reads better on ``background`` (always ≥ 4.58:1)."""
    black, white = (0, 0, 0), (255, 255, 255)
    return (
        black if contrast_ratio(black, background) >= contrast_ratio(white, background) else white
    )
