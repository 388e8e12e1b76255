// Progressive enhancement only: the page works without it. Compare is enabled once two
// experiments are ticked, and ticked rows are remembered across sorting and filtering links.
(() => {
  const form = document.getElementById("compare-form");
  if (!form) return;
  const button = document.getElementById("compare");
  const boxes = [...form.querySelectorAll('input[name="exp"]')];
  const key = `mtf-experiments:${location.pathname}`;
  const saved = new Set(JSON.parse(sessionStorage.getItem(key) || "[]"));
  boxes.forEach((box) => { box.checked = saved.has(box.value); });
  const update = () => {
    const ticked = boxes.filter((box) => box.checked).map((box) => box.value);
    button.disabled = ticked.length < 2;
    sessionStorage.setItem(key, JSON.stringify(ticked));
  };
  boxes.forEach((box) => box.addEventListener("change", update));
  update();
})();
