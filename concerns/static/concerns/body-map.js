// The body map: select a place on the front or back drawing, describe the mark, add it.
// Marks are kept in the hidden `marks_json` field; without JavaScript the form offers a
// named part of the body instead (the fallback fields stay available either way).
const root = document.querySelector("[data-cairn-body-map]");
const field = document.querySelector("input[name='marks_json']");

if (root && field) {
  root.hidden = false;
  const SVG = "http://www.w3.org/2000/svg";
  const selected = document.getElementById("body-map-selected");
  const description = document.getElementById("body-map-description");
  const list = root.querySelector("[data-cairn-mark-list]");
  const marks = [];
  let pending = null;
  let pendingDot = null;

  const labelFor = (region) => region.replaceAll("_", " ");

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
      pending = { side: svg.dataset.cairnBodySide, region: region.dataset.region, x, y };
      pendingDot = dot(svg, x, y);
      selected.textContent = `Selected: ${pending.side}, ${labelFor(pending.region)}.`;
      description.focus();
    });
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
