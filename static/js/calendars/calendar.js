/* The editorial calendar: FullCalendar (pinned npm package, served by the app) fed by the
 * calendars:events endpoint. The server judges every move; a refused one snaps back. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("calendar-config").textContent);
  const messageBox = document.getElementById("calendar-message");
  const csrfToken = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const filterForm = document.getElementById("calendar-filters");
  const VIEWS = ["dayGridMonth", "timeGridWeek", "listMonth"];

  function showMessage(text, kind) {
    messageBox.textContent = text;
    messageBox.className = "alert alert-" + kind;
  }

  /* The filters of the page's URL, passed on to the events endpoint. */
  function filterParams() {
    const params = {};
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (["account", "status", "campaign", "author"].includes(key)) {
        params[key] = params[key] ? [].concat(params[key], value) : value;
      }
    });
    return params;
  }

  function eventsSource(info, success, failure) {
    const params = new URLSearchParams({ start: info.startStr, end: info.endStr });
    const filters = filterParams();
    Object.keys(filters).forEach(function (key) {
      [].concat(filters[key]).forEach(function (value) { params.append(key, value); });
    });
    fetch(config.eventsUrl + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }
        return response.json();
      })
      .then(success, failure);
  }

  /* Icons, thumbnail, time and text: built as DOM nodes (never HTML strings: text is user input). */
  function eventContent(arg) {
    if (arg.event.display === "background") { return true; }
    const props = arg.event.extendedProps;
    const wrap = document.createElement("div");
    wrap.className = "cm-event";
    (props.networks || []).forEach(function (network) {
      const icon = document.createElement("i");
      icon.className = "bi " + network.icon + " cm-event-icon";
      icon.title = network.name;
      icon.setAttribute("aria-label", network.name);
      wrap.appendChild(icon);
    });
    if (props.thumbnail) {
      const img = document.createElement("img");
      img.src = props.thumbnail;
      img.alt = "";
      img.className = "cm-event-thumb";
      wrap.appendChild(img);
    }
    if (arg.timeText) {
      const time = document.createElement("span");
      time.className = "cm-event-time";
      time.textContent = arg.timeText;
      wrap.appendChild(time);
    }
    const title = document.createElement("span");
    title.className = "cm-event-title";
    title.textContent = arg.event.title;
    wrap.appendChild(title);
    return { domNodes: [wrap] };
  }

  function eventDidMount(info) {
    const props = info.event.extendedProps;
    if (info.event.display === "background") { return; }
    const parts = [props.statusLabel];
    if (props.campaign) { parts.push(props.campaign.name); }
    if (props.author) { parts.push(props.author); }
    if (props.waiting) { parts.push(props.waiting); } /* why a due post has not gone out */
    info.el.title = info.event.title + " — " + parts.join(" · ");
    info.el.dataset.status = props.status;
    info.el.dataset.postId = info.event.id;
  }

  /* Drag and drop: POST the new instant (ISO with the brand's offset); revert on refusal. */
  function eventDrop(info) {
    const body = new URLSearchParams({ start: info.event.startStr });
    fetch(config.moveUrl.replace(/0\/move\/$/, info.event.id + "/move/"), {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      body: body,
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (result.ok) {
          showMessage(result.data.message || config.texts.moved, "success");
        } else {
          info.revert();
          showMessage(config.texts.refused.replace("%(reason)s", result.data.error), "danger");
        }
      })
      .catch(function () {
        info.revert();
        showMessage(config.texts.failed, "danger");
      });
  }

  /* An empty slot starts a post at that wall time (the brand's zone). */
  function dateClick(info) {
    if (!config.canWrite) { return; }
    const at = info.allDay ? info.dateStr.slice(0, 10) + "T09:00" : info.dateStr.slice(0, 16);
    window.location.href = config.createUrl + "?at=" + encodeURIComponent(at);
  }

  /* Keep the view and the date in the URL (and in the filter form) so a reload or a shared link
   * shows the same page. */
  function datesSet(info) {
    const url = new URL(window.location.href);
    // Formatted in the brand's zone: toISOString() would give UTC, the day before at midnight.
    const date = info.view.calendar.formatIso(info.view.currentStart, true);
    url.searchParams.set("view", info.view.type);
    url.searchParams.set("date", date);
    window.history.replaceState(null, "", url);
    filterForm.querySelector("input[name=view]").value = info.view.type;
    filterForm.querySelector("input[name=date]").value = date;
  }

  /* A phone: the list comes first (a month grid is unreadable there), and crowded days and hours
   * show fewer posts, the rest behind a "+N" link. Same breakpoint as Bootstrap's "sm". */
  const phone = window.matchMedia("(max-width: 575.98px)");

  function crowding() {
    return phone.matches ? { dayMaxEvents: 2, eventMaxStack: 1 } : { dayMaxEvents: 5, eventMaxStack: 1 };
  }

  /* The all-day row of the week only ever holds campaign bands: a flag says so ("all day" would
   * say nothing, and a word would not fit the time axis). */
  function allDayContent() {
    const label = document.createElement("i");
    label.className = "bi bi-flag";
    label.title = config.texts.campaigns;
    label.setAttribute("aria-label", config.texts.campaigns);
    return { domNodes: [label] };
  }

  /* The month and the list take the height they need (the page scrolls); the week scrolls
   * inside a fixed height, opening on the working day, the night's posts above and below. The
   * height is the calendar's option, not a view's: it follows the view here. */
  const WORKING_DAY = "08:00:00";

  function contentHeight(viewType) {
    return viewType === "timeGridWeek" ? 560 : "auto";
  }

  function viewDidMount(info) {
    const height = contentHeight(info.view.type);
    const calendar = info.view.calendar;
    if (calendar.getOption("contentHeight") !== height) {
      calendar.setOption("contentHeight", height);
      // The view scrolled to the working day at its former height: again, once redrawn.
      window.setTimeout(function () { calendar.scrollToTime(WORKING_DAY); });
    }
  }

  const initialView = VIEWS.includes(config.initialView) ? config.initialView : (phone.matches ? "listMonth" : "dayGridMonth");
  const calendar = new FullCalendar.Calendar(document.getElementById("calendar"), Object.assign({
    timeZone: config.timeZone,
    locale: config.locale,
    firstDay: 1,
    initialView: initialView,
    initialDate: config.initialDate || undefined,
    headerToolbar: { left: "prev,next today", center: "title", right: VIEWS.join(",") },
    contentHeight: contentHeight(initialView),
    scrollTime: WORKING_DAY,
    views: {
      // "Mon 10": short enough to wrap on two lines in a phone's narrow columns.
      timeGridWeek: { dayHeaderFormat: { weekday: "short", day: "numeric" } },
    },
    nowIndicator: true,
    eventDisplay: "block",
    // 24-hour times in every language: a planning tool should never leave "9a" to interpret.
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    // A post is an instant (its event lasts a minute: calendars/selectors.py): never show an end,
    // and give it the height of a line of text in the week.
    displayEventEnd: false,
    eventMinHeight: 22,
    allDayContent: allDayContent,
    // Posts at the same time side by side, not over one another.
    slotEventOverlap: false,
    // "+3" in the week and on a phone: "+3 more" does not fit a seventh of their width.
    moreLinkContent: function (arg) {
      return phone.matches || arg.view.type === "timeGridWeek" ? arg.shortText : arg.text;
    },
    editable: config.canWrite,
    eventDurationEditable: false,
    events: eventsSource,
    eventContent: eventContent,
    eventDidMount: eventDidMount,
    eventDrop: eventDrop,
    dateClick: dateClick,
    datesSet: datesSet,
    viewDidMount: viewDidMount,
  }, crowding()));
  phone.addEventListener("change", function () {
    const options = crowding();
    Object.keys(options).forEach(function (name) { calendar.setOption(name, options[name]); });
  });
  calendar.render();
})();
