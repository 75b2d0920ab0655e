import { isStudioFilePath } from './studio';

describe('isStudioFilePath', () => {
  it('calls anything under /studio/assets, and any path with a file extension but .html, a file', () => {
    for (const path of [
      '/studio/assets/index-abc.js',
      '/studio/assets/',
      '/studio/assets',
      '/studio/Assets/x',
      '/studio/favicon.png',
      '/studio/x/y.css',
      '/studio/a.js.map',
      '/studio/assets/%E0%A4%A.js',
    ]) {
      expect({ path, file: isStudioFilePath(path) }).toEqual({ path, file: true });
    }
  });

  it('leaves client-side routes (and .html pages) to index.html', () => {
    for (const path of [
      '/studio',
      '/studio/',
      '/studio/releases/123',
      '/studio/releases/123/',
      '/studio/assetsx',
      '/studio/help.html',
      '/studio/a.HTM',
      '/studio/content/%E0%A4%A',
      '/studio/v1./x',
      '/studio/trailing.',
    ]) {
      expect({ path, file: isStudioFilePath(path) }).toEqual({ path, file: false });
    }
  });
});
