module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // Node scripts (the fixture generator), never part of the browser bundle.
      files: ['scripts/**'],
      rules: { 'no-restricted-imports': 'off' },
    },
  ],
});
