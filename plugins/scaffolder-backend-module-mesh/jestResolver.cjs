/*
 * kubernetes-models and @kubernetes-models/* export their files only under
 * the `import` condition, which Jest's CommonJS resolution does not try. This
 * resolver retries with it.
 *
 * Jest keeps one resolver per project config `id`, and the Backstage CLI
 * derives that id from the transform alone, so every Node package of the repo
 * would share one resolver in `backstage-cli repo test`, and this one would
 * only be used when this package's tests happen to reach a worker first. The
 * `jest.id` in package.json keeps it this package's own.
 */
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch {
    return options.defaultResolver(request, {
      ...options,
      conditions: [...(options.conditions ?? []), 'import'],
    });
  }
};
