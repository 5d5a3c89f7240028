#!/usr/bin/env node
// Committed so the bin can be linked at install time, before the package is built.
import "../dist/bin.js";
