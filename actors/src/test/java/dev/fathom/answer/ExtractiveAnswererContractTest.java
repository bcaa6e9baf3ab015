package dev.fathom.answer;

class ExtractiveAnswererContractTest extends AnswererContract {
  @Override
  protected Answerer answerer() {
    return new ExtractiveAnswerer();
  }
}
