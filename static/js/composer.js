/*
 * The composer: live counters and previews per network account, media chosen or uploaded on the
 * spot with their alt text, and the writer's own time beside the brand's.
 *
 * Counting is counting.js fed with each account's Limits.as_json() (embedded by the page): the
 * server validates the same way through the adapters and refuses what does not fit.
 */
(function () {
  "use strict";

  const form = document.getElementById("composer");
  if (!form) return;
  const accounts = JSON.parse(document.getElementById("account-limits").textContent);
  const t = JSON.parse(document.getElementById("composer-i18n").textContent);
  const mainText = form.querySelector("[data-counted=main]");
  const mediaField = form.querySelector("input[name=media_ids]");
  const chosenList = document.getElementById("chosen-media");
  const counters = document.getElementById("counters");
  const previews = document.getElementById("previews");

  function chosenAccounts() {
    return Array.from(form.querySelectorAll("input[name=accounts]:checked"), (box) => box.value);
  }

  function textFor(accountId) {
    const own = form.querySelector(`[data-counted="${accountId}"]`);
    return own && own.value.trim() ? own.value : mainText.value;
  }

  function chosenMedia() {
    return Array.from(chosenList.querySelectorAll(".chosen-media"), (item) => ({
      id: item.dataset.mediaId,
      kind: item.dataset.kind,
      thumbnail: (item.querySelector("img") || {}).src || "",
      alt: item.querySelector(".alt-text").value,
    }));
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text; // never innerHTML: the text is the user's
    return node;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
  }

  // --- counters and previews ------------------------------------------------------------------
  function refresh() {
    const chosen = chosenAccounts();
    const media = chosenMedia();
    counters.replaceChildren();
    previews.replaceChildren();
    document.getElementById("no-preview").hidden = chosen.length > 0;
    form.querySelectorAll("[data-account-tab]").forEach((tab) => {
      tab.hidden = !chosen.includes(tab.dataset.accountTab);
    });
    for (const id of chosen) {
      const account = accounts[id];
      const limits = limitsWith(account.limits, media);
      const text = textFor(id);
      const length = Counting.count(text, limits);
      counters.append(counter(id, account, limits, length));
      previews.append(preview(id, account, limits, text, length, media));
    }
    mediaField.value = media.map((item) => item.id).join(",");
    showWhatSavingDoes();
  }

  // The network's limits for this post: Limits.text_limit's rule (networks/base.py),
  // some networks take a shorter text with media (a Telegram caption: 1,024).
  function limitsWith(limits, media) {
    const withMedia = media.length > 0 && limits.max_chars_with_media != null;
    return withMedia ? { ...limits, max_chars: limits.max_chars_with_media } : limits;
  }

  function counter(id, account, limits, length) {
    const over = length > limits.max_chars;
    const badge = element(
      "span",
      `badge counter ${over ? "text-bg-danger over-limit" : "text-bg-light border"}`,
      `${account.name}: ${length} / ${limits.max_chars}`,
    );
    badge.id = `counter-${id}`;
    badge.dataset.count = length;
    badge.title = account.network;
    if (over) badge.setAttribute("aria-label", format(t.over_limit, { name: account.name, count: length, limit: limits.max_chars }));
    return badge;
  }

  function preview(id, account, limits, text, length, media) {
    const card = element("article", "card mb-3 preview");
    card.id = `preview-${id}`;
    const header = element("div", "card-header small d-flex justify-content-between");
    header.append(element("strong", "", account.name), element("span", "text-body-secondary", account.network));
    const body = element("div", "card-body");
    const shown = Counting.cut(text, limits);
    const paragraph = element("p", "preview-text text-break mb-2", shown);
    paragraph.style.whiteSpace = "pre-wrap";
    body.append(paragraph);
    if (shown.length < text.length) {
      body.append(element("p", "small text-danger mb-2 preview-cut", format(t.cut_here, { count: length, limit: limits.max_chars })));
    }
    body.append(mediaGrid(media, limits));
    card.append(header, body);
    return card;
  }

  function mediaGrid(media, limits) {
    const grid = element("div", "preview-grid");
    const shown = media.slice(0, limits.max_media);
    grid.style.display = "grid";
    grid.style.gap = "2px";
    grid.style.gridTemplateColumns = shown.length > 1 ? "1fr 1fr" : "1fr";
    for (const item of shown) {
      if (item.thumbnail) {
        const image = element("img", "w-100");
        image.src = item.thumbnail;
        image.alt = item.alt;
        image.style.aspectRatio = shown.length > 1 ? "1 / 1" : "auto";
        image.style.objectFit = "cover";
        grid.append(image);
      } else {
        grid.append(element("div", "bg-body-tertiary p-3 text-center small", t.video));
      }
    }
    const wrapper = element("div");
    wrapper.append(grid);
    if (media.length > limits.max_media) {
      wrapper.append(element("p", "small text-danger mt-1 mb-0 too-many-media", format(t.too_many_media, { limit: limits.max_media })));
    }
    return wrapper;
  }

  // --- media ----------------------------------------------------------------------------------
  function addMedia(media) {
    if (chosenList.querySelector(`[data-media-id="${media.id}"]`)) return;
    const item = element("li", "card chosen-media");
    item.style.width = "12rem";
    item.dataset.mediaId = media.id;
    item.dataset.kind = media.kind;
    item.dataset.contentType = media.content_type;
    if (media.thumbnail) {
      const image = element("img", "card-img-top");
      image.src = media.thumbnail;
      image.alt = "";
      image.style.height = "8rem";
      image.style.objectFit = "cover";
      item.append(image);
    } else {
      item.append(element("div", "card-img-top text-center p-4 bg-body-tertiary", t.video));
    }
    const body = element("div", "card-body p-2");
    const name = element("p", "small text-truncate mb-1", media.name);
    const label = element("label", "form-label small mb-0", t.alt_label);
    label.htmlFor = `alt_${media.id}`;
    const alt = element("textarea", "form-control form-control-sm alt-text");
    alt.id = `alt_${media.id}`;
    alt.name = `alt_${media.id}`;
    alt.rows = 2;
    alt.value = media.alt_text || "";
    const missing = element("div", "small text-warning-emphasis alt-missing", t.alt_missing);
    missing.hidden = Boolean(alt.value.trim());
    const remove = element("button", "btn btn-sm btn-outline-danger mt-1 remove-media", t.remove);
    remove.type = "button";
    body.append(name, label, alt, missing, remove);
    item.append(body);
    chosenList.append(item);
    refresh();
  }

  chosenList.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-media");
    if (!button) return;
    button.closest(".chosen-media").remove();
    refresh();
  });
  chosenList.addEventListener("input", (event) => {
    if (!event.target.classList.contains("alt-text")) return;
    event.target.closest(".chosen-media").querySelector(".alt-missing").hidden = Boolean(event.target.value.trim());
    refresh();
  });
  document.querySelectorAll(".library-item").forEach((button) => {
    button.addEventListener("click", () => addMedia(JSON.parse(button.dataset.media)));
  });
  const uploadList = document.getElementById("upload-progress");
  MediaUpload.wire({
    zone: document.getElementById("dropzone"),
    input: document.getElementById("upload-input"),
    onFiles: (files) => MediaUpload.uploadFiles(files, {
      url: form.dataset.uploadUrl,
      csrfToken: MediaUpload.csrfToken(form),
      list: uploadList,
      maxBytes: Number(form.dataset.maxUpload),
      i18n: t,
      onUploaded: addMedia,
    }),
  });

  // --- the writer's own time -----------------------------------------------------------------
  function offsetMinutes(instant, zone) {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit",
      }).formatToParts(instant).map((part) => [part.type, part.value]),
    );
    const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
    return (asUtc - Math.floor(instant.getTime() / 60000) * 60000) / 60000;
  }

  function wallTimeToInstant(day, time, zone) {
    const [year, month, date] = day.split("-").map(Number);
    const [hour, minute] = time.split(":").map(Number);
    const guess = Date.UTC(year, month - 1, date, hour, minute);
    const first = guess - offsetMinutes(new Date(guess), zone) * 60000;
    return new Date(guess - offsetMinutes(new Date(first), zone) * 60000);
  }

  function showWriterTime() {
    const output = document.getElementById("writer-time");
    const userZone = form.dataset.userZone;
    const day = form.querySelector("[name=day]").value;
    const time = form.querySelector("[name=at]").value;
    if (!userZone || !day || !time) {
      output.textContent = "";
      return;
    }
    const instant = wallTimeToInstant(day, time, form.dataset.brandZone);
    const local = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      timeZone: userZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    }).format(instant);
    output.textContent = format(t.your_time, { time: local, zone: userZone });
  }

  // --- an approved post: saving a content change withdraws the approval -----------------------
  // What the approval covers (posts/workflow.py content_fingerprint): text, per-network texts of
  // the chosen accounts, media in order, accounts. The time is not part of it.
  const save = document.getElementById("save-button");
  function content() {
    const chosen = chosenAccounts().sort();
    const texts = chosen.map((id) => {
      const own = form.querySelector(`[data-counted="${id}"]`);
      return own ? own.value.trim() : "";
    });
    return JSON.stringify([mainText.value.trim(), chosen, texts, chosenMedia().map((media) => media.id)]);
  }
  const approvedContent = save && save.hasAttribute("data-approved") ? content() : null;
  const saveLabel = save ? save.textContent : "";
  function showWhatSavingDoes() {
    if (approvedContent === null) return;
    const withdraws = content() !== approvedContent;
    save.textContent = withdraws ? t.save_and_review : saveLabel;
    save.classList.toggle("btn-outline-primary", !withdraws);
    save.classList.toggle("btn-warning", withdraws);
  }

  form.addEventListener("input", (event) => {
    if (event.target.matches("[name=day], [name=at]")) showWriterTime();
    else refresh();
  });
  form.addEventListener("change", refresh);
  refresh();
  showWriterTime();
})();
