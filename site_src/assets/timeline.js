/* policygraph timeline: filter the dated items by theme and by actor. */
export function mount(root) {
  if (root.getAttribute("data-ready")) return;
  const items = [...document.querySelectorAll(".pg-timeline-item")];
  const theme = root.querySelector(".pg-timeline-theme");
  const actor = root.querySelector(".pg-timeline-actor");
  const count = root.querySelector(".pg-timeline-count");
  const apply = () => {
    const wantedTheme = theme.value;
    const wantedActor = actor.value.trim().toLowerCase();
    let shown = 0;
    for (const item of items) {
      const inTheme = !wantedTheme || item.dataset.themes.split(" ").includes(wantedTheme);
      const byActor = !wantedActor || item.dataset.actors.toLowerCase().split("|").some((name) => name.includes(wantedActor));
      item.hidden = !(inTheme && byActor);
      if (!item.hidden) shown += 1;
    }
    count.textContent = `${shown.toLocaleString("en")} of ${items.length.toLocaleString("en")} items`;
    root.setAttribute("data-shown", String(shown));
  };
  theme.addEventListener("change", apply);
  actor.addEventListener("input", apply);
  apply();
  root.setAttribute("data-ready", "true");
}
