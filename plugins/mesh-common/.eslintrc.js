module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // A micro-benchmark script that prints its figures (yarn bench:chain).
      files: ['src/engine/__bench__/**'],
      rules: {
        'no-console': 'off',
      },
    },
  ],
});
