// Narrow a long list of children as you type: a search box above each child list on the
// "Record a concern" form.
// Without JavaScript the full list (sorted by surname) still works.
for (const select of document.querySelectorAll("select[name='child_1'], select[name='child_2'], select[name='child_3']")) {
  const options = Array.from(select.options).map((option) => ({
    option,
    text: option.text.toLowerCase(),
  }));
  const id = `${select.id}-filter`;
  const group = document.createElement("div");
  group.className = "govuk-form-group govuk-!-margin-bottom-2";
  const label = document.createElement("label");
  label.className = "govuk-label govuk-body-s";
  label.htmlFor = id;
  label.textContent = "Type part of the name to narrow the list";
  const input = document.createElement("input");
  input.className = "govuk-input govuk-input--width-20";
  input.id = id;
  input.type = "search";
  input.autocomplete = "off";
  input.spellcheck = false;
  group.append(label, input);
  select.before(group);
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = [];
    for (const { option, text } of options) {
      const keep = !option.value || words.every((w) => text.includes(w));
      option.hidden = !keep;
      option.disabled = !keep;
      if (keep && option.value) matches.push(option);
    }
    // One child left: choose them. The chosen child hidden by the filter: clear the choice.
    if (matches.length === 1) {
      select.value = matches[0].value;
    } else if (select.selectedOptions[0]?.hidden) {
      select.value = "";
    }
  });
}
