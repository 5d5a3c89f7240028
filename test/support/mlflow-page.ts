import type { BrowserContext, Page } from 'playwright-core';

/**
 * A page for MLflow's UI as a returning user sees it: a first visit opens the MLflow Assistant
 * panel and a "Detect Issues" tip over the trace, which a returning user has closed.
 */
export async function newMlflowPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    localStorage.setItem('mlflow.assistant.fab.autoOpenedOnFirstLoad_v1', 'true');
    localStorage.setItem('mlflow.assistant.panelOpen_v1', 'false');
    localStorage.setItem('mlflow.detectIssues.guidanceShown_v1', 'true');
  });
  return page;
}
