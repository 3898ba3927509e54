/*
 * How networks count text, for the composer's live counters and previews.
 *
 * The same methods as networks/counting.py (the server's counter, which decides);
 * the limits come from each account's adapter (Limits.as_json(), embedded in the page), so
 * there is one source of truth. tests/posts/test_counting_browser.py runs both on the same
 * samples in Chromium and asserts they agree.
 */
(function (root) {
  "use strict";

  // A URL as the networks detect it: scheme, then anything up to a space.
  const URL = /https?:\/\/[^\s]+/gu;
  // Python regex's \w in Unicode mode (UTS #18): letters, marks, digits, connectors, joiners.
  const W = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
  // Mastodon counts @user@domain as @user.
  const MASTODON_MENTION = new RegExp(`(?<![${W}@])(@[${W}]+)@[${W}.-]+[${W}]`, "gu");
  const EMOJI = /\p{Extended_Pictographic}/u;
  // twitter-text v3: these code point ranges weigh 1, everything else 2 (CJK, most emoji).
  const X_LIGHT_RANGES = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];

  const segmenter = typeof Intl !== "undefined" && Intl.Segmenter
    ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
    : null;

  function graphemes(text) {
    if (!segmenter) return Array.from(text); // very old browsers: code points, close enough
    return Array.from(segmenter.segment(text), (part) => part.segment);
  }

  function codePoints(text) {
    return Array.from(text).length;
  }

  function withUrls(text, urlWeight, measure) {
    const urls = text.match(URL) || [];
    return measure(text.replace(URL, "")) + urlWeight * urls.length;
  }

  function isLight(codePoint) {
    return X_LIGHT_RANGES.some(([low, high]) => low <= codePoint && codePoint <= high);
  }

  function xWeight(text) {
    let weight = 0;
    for (const cluster of graphemes(text)) {
      if (EMOJI.test(cluster)) {
        weight += 2; // an emoji sequence (flags, skin tones, ZWJ families) weighs 2 as a whole
      } else {
        for (const char of cluster) weight += isLight(char.codePointAt(0)) ? 1 : 2;
      }
    }
    return weight;
  }

  /** The length of `text` as a network with `limits` counts it (limits: Limits.as_json()). */
  function count(text, limits) {
    const method = limits.counting || "characters";
    const urlWeight = limits.url_weight === undefined ? 23 : limits.url_weight;
    switch (method) {
      case "graphemes":
        return graphemes(text).length;
      case "utf16":
        return text.length; // JavaScript strings are UTF-16 code units
      case "mastodon":
        return withUrls(text.replace(MASTODON_MENTION, "$1"), urlWeight, codePoints);
      case "x_weighted":
        return withUrls(text, urlWeight, xWeight);
      default:
        return codePoints(text);
    }
  }

  /** The longest start of `text` (whole graphemes) that fits the limit: where the network cuts. */
  function cut(text, limits) {
    if (count(text, limits) <= limits.max_chars) return text;
    const parts = graphemes(text);
    let low = 0;
    let high = parts.length;
    while (low < high) { // the count grows with the prefix (a URL being typed aside): bisect
      const middle = Math.ceil((low + high) / 2);
      if (count(parts.slice(0, middle).join(""), limits) <= limits.max_chars) low = middle;
      else high = middle - 1;
    }
    return parts.slice(0, low).join("");
  }

  root.Counting = { count, cut, graphemes };
})(typeof window !== "undefined" ? window : globalThis);
