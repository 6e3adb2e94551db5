// The body map: select a place on the front or back drawing (or choose the side and the part of
// the body from the lists, with a keyboard), describe the mark, add it. Marks are kept in the
// hidden `marks_json` field. Without JavaScript the form offers the named part of the body
// instead; with it, that is the one way offered (issue 22, item 9), unless something was
// already typed into it (a form shown again), which then stays.
const root = document.querySelector("[data-cairn-body-map]");
const field = document.querySelector("input[name='marks_json']");
const fallback = document.querySelector("[data-cairn-body-map-fallback]");

if (root && field) {
  root.hidden = false;
  const typedInFallback =
    fallback && [...fallback.querySelectorAll("select, input")].some((control) => control.value);
  if (fallback && !typedInFallback) {
    fallback.hidden = true;
  }
  const SVG = "http://www.w3.org/2000/svg";
  const selected = document.getElementById("body-map-selected");
  const description = document.getElementById("body-map-description");
  const list = root.querySelector("[data-cairn-mark-list]");
  const marks = [];
  let pending = null;
  let pendingDot = null;

  const labelFor = (region) => region.replaceAll("_", " ");
  const sideSelect = document.getElementById("body-map-side");
  const regionSelect = document.getElementById("body-map-region");

  const dot = (svg, x, y) => {
    const circle = document.createElementNS(SVG, "circle");
    circle.setAttribute("class", "cairn-body-map__mark");
    circle.setAttribute("cx", String((x / 100) * 200));
    circle.setAttribute("cy", String((y / 100) * 400));
    circle.setAttribute("r", "5");
    svg.querySelector("[data-cairn-marks]").appendChild(circle);
    return circle;
  };

  const render = () => {
    field.value = marks.length ? JSON.stringify(marks.map(({ dot: _d, ...m }) => m)) : "";
    list.replaceChildren();
    marks.forEach((mark, index) => {
      const item = document.createElement("li");
      item.textContent = `${mark.side}, ${labelFor(mark.region)}: ${mark.description} `;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "govuk-button govuk-button--warning govuk-!-margin-bottom-0";
      remove.textContent = "Remove";
      remove.addEventListener("click", () => {
        mark.dot.remove();
        marks.splice(index, 1);
        render();
      });
      item.appendChild(remove);
      list.appendChild(item);
    });
  };

  for (const svg of root.querySelectorAll("svg[data-cairn-body-side]")) {
    svg.addEventListener("click", (event) => {
      const region = event.target.closest("[data-region]");
      if (!region) {
        selected.textContent = "Select a place on the body itself.";
        return;
      }
      const box = svg.getBoundingClientRect();
      const x = Math.round(((event.clientX - box.left) / box.width) * 10000) / 100;
      const y = Math.round(((event.clientY - box.top) / box.height) * 10000) / 100;
      if (pendingDot) pendingDot.remove();
      choose(svg, region.dataset.region, x, y);
      description.focus();
    });
  }

  // The place as a point: where the drawing was selected, or the middle of the part chosen.
  const choose = (svg, region, x, y) => {
    if (pendingDot) pendingDot.remove();
    pending = { side: svg.dataset.cairnBodySide, region, x, y };
    pendingDot = dot(svg, x, y);
    sideSelect.value = pending.side;
    regionSelect.value = region;
    selected.textContent = `Selected: ${pending.side}, ${labelFor(region)}.`;
  };

  const chooseFromLists = () => {
    const svg = root.querySelector(`svg[data-cairn-body-side='${sideSelect.value}']`);
    if (!svg || !regionSelect.value) return;
    const shape = svg.querySelector(`[data-region='${regionSelect.value}']`);
    let x = 50;
    let y = 50;
    if (shape) {
      const box = shape.getBBox();
      x = Math.round(((box.x + box.width / 2) / 200) * 10000) / 100;
      y = Math.round(((box.y + box.height / 2) / 400) * 10000) / 100;
    }
    choose(svg, regionSelect.value, x, y);
  };
  sideSelect.addEventListener("change", chooseFromLists);
  regionSelect.addEventListener("change", chooseFromLists);

  // Marks already made (a draft filled in again, or the form shown again after a problem).
  try {
    const earlier = field.value ? JSON.parse(field.value) : [];
    for (const mark of Array.isArray(earlier) ? earlier : []) {
      const svg = root.querySelector(`svg[data-cairn-body-side='${mark.side}']`);
      if (svg) {
        marks.push({ ...mark, dot: dot(svg, Number(mark.x), Number(mark.y)) });
      }
    }
    render();
  } catch {
    // Unreadable marks are reported by the server when the form is sent.
  }

  root.querySelector("[data-cairn-add-mark]").addEventListener("click", () => {
    const text = description.value.trim();
    if (!pending) {
      selected.textContent = "Select a place on the drawing first.";
      return;
    }
    if (!text) {
      selected.textContent = "Describe the mark, then choose Add mark.";
      description.focus();
      return;
    }
    marks.push({ ...pending, description: text, dot: pendingDot });
    pending = null;
    pendingDot = null;
    description.value = "";
    selected.textContent = "Mark added. Select another place to add more.";
    render();
  });
}

// Once the concern is submitted, a draft save still waiting on its delay is not sent: the server
// would refuse it anyway (the form's key is recorded with the concern), but it need not be asked.
const draftForm = document.querySelector("[data-cairn-draft-form]");
if (draftForm) {
  let submitted = false;
  draftForm.addEventListener("submit", (event) => {
    const button = event.submitter;
    submitted = !(button && button.hasAttribute("formaction"));
  });
  draftForm.addEventListener("htmx:confirm", (event) => {
    if (submitted) {
      event.preventDefault();
    }
  });
}
