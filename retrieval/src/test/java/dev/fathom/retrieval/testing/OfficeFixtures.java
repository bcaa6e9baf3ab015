package dev.fathom.retrieval.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFSlide;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * Small, real office files written in the test (Apache POI for Microsoft formats, plain zip writing
 * for OpenDocument and EPUB), so no binary fixture is committed and each test says what its file
 * holds.
 */
public final class OfficeFixtures {

  private OfficeFixtures() {}

  /** A Word document with a title property and one paragraph per entry of {@code paragraphs}. */
  public static byte[] docx(String title, String... paragraphs) {
    try (XWPFDocument doc = new XWPFDocument()) {
      doc.getProperties().getCoreProperties().setTitle(title);
      for (String p : paragraphs) doc.createParagraph().createRun().setText(p);
      return bytes(doc::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A presentation with one slide per entry, each a text box holding it. */
  public static byte[] pptx(String... slides) {
    try (XMLSlideShow show = new XMLSlideShow()) {
      for (String text : slides) {
        XSLFSlide slide = show.createSlide();
        XSLFTextBox box = slide.createTextBox();
        box.setAnchor(new java.awt.Rectangle(50, 50, 500, 300));
        box.setText(text);
      }
      return bytes(show::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An .xlsx workbook whose first sheet ({@code sheet}) has one row per entry of {@code rows}. */
  public static byte[] xlsx(String sheet, String[]... rows) {
    try (Workbook wb = new XSSFWorkbook()) {
      return workbook(wb, sheet, rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same as {@link #xlsx}, in the Excel 97-2003 binary format. */
  public static byte[] xls(String sheet, String[]... rows) {
    try (Workbook wb = new HSSFWorkbook()) {
      return workbook(wb, sheet, rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] workbook(Workbook wb, String name, String[][] rows) {
    Sheet sheet = wb.createSheet(name);
    for (int r = 0; r < rows.length; r++) {
      Row row = sheet.createRow(r);
      for (int c = 0; c < rows[r].length; c++) row.createCell(c).setCellValue(rows[r][c]);
    }
    return bytes(wb::write);
  }

  /** An OpenDocument text with one paragraph per entry (ODF 1.2: mimetype first, stored). */
  public static byte[] odt(String title, String... paragraphs) {
    StringBuilder body = new StringBuilder();
    for (String p : paragraphs) body.append("<text:p>").append(escape(p)).append("</text:p>");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("mimetype", "application/vnd.oasis.opendocument.text");
    files.put(
        "META-INF/manifest.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest"
            + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
            + " manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\""
            + " manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
            + "<manifest:file-entry manifest:full-path=\"content.xml\""
            + " manifest:media-type=\"text/xml\"/><manifest:file-entry"
            + " manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
            + "</manifest:manifest>");
    files.put(
        "meta.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-meta"
            + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"1.2\">"
            + "<office:meta><dc:title>"
            + escape(title)
            + "</dc:title></office:meta></office:document-meta>");
    files.put(
        "content.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content"
            + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
            + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
            + " office:version=\"1.2\"><office:body><office:text>"
            + body
            + "</office:text></office:body></office:document-content>");
    return zip(files);
  }

  /** An EPUB 3 book with one chapter per entry of {@code chapters}. */
  public static byte[] epub(String title, String... chapters) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("mimetype", "application/epub+zip");
    files.put(
        "META-INF/container.xml",
        "<?xml version=\"1.0\"?><container version=\"1.0\""
            + " xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
            + "<rootfile full-path=\"OEBPS/content.opf\""
            + " media-type=\"application/oebps-package+xml\"/></rootfiles></container>");
    StringBuilder manifest = new StringBuilder();
    StringBuilder spine = new StringBuilder();
    for (int i = 0; i < chapters.length; i++) {
      manifest.append(
          "<item id=\"c%d\" href=\"c%d.xhtml\" media-type=\"application/xhtml+xml\"/>"
              .formatted(i, i));
      spine.append("<itemref idref=\"c%d\"/>".formatted(i));
      files.put(
          "OEBPS/c" + i + ".xhtml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"
              + "<head><title>Chapter</title></head><body><p>"
              + escape(chapters[i])
              + "</p></body></html>");
    }
    files.put(
        "OEBPS/content.opf",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><package xmlns=\"http://www.idpf.org/2007/opf\""
            + " version=\"3.0\" unique-identifier=\"id\"><metadata"
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:identifier id=\"id\">x</dc:identifier>"
            + "<dc:title>"
            + escape(title)
            + "</dc:title><dc:language>en</dc:language></metadata><manifest>"
            + manifest
            + "</manifest><spine>"
            + spine
            + "</spine></package>");
    return zip(files);
  }

  /** An RTF document with one paragraph per entry (ASCII text only). */
  public static byte[] rtf(String... paragraphs) {
    StringBuilder s = new StringBuilder("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times;}}\\f0 ");
    for (String p : paragraphs) s.append(p.replace("\\", "\\\\")).append("\\par\n");
    return s.append("}").toString().getBytes(UTF_8);
  }

  /** Zip entries in order; {@code mimetype} stored uncompressed as ODF and EPUB require. */
  private static byte[] zip(Map<String, String> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] data = f.getValue().getBytes(UTF_8);
        ZipEntry e = new ZipEntry(f.getKey());
        if (f.getKey().equals("mimetype")) {
          CRC32 crc = new CRC32();
          crc.update(data);
          e.setMethod(ZipEntry.STORED);
          e.setSize(data.length);
          e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private interface Writer {
    void write(java.io.OutputStream out) throws IOException;
  }

  private static byte[] bytes(Writer w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
