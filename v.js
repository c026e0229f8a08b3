const { validate } = require('@forge/manifest');
validate(false).then(r => { console.log(r.success); for (const e of r.errors||[]) console.log(e.level, e.message, e.reference, e.line); });
