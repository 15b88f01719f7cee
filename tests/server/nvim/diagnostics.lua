-- Neovim, headless, as a user's editor: start `kaiming-lint server` for the current buffer,
-- wait for its diagnostics, apply the first quick fix, and write what happened as JSON lines.
-- Uses vim.lsp.start_client/buf_attach_client (Neovim >= 0.7; 0.11 also has vim.lsp.config).
local out = assert(io.open(os.getenv("KAI_NVIM_OUT"), "w"))
local function emit(record)
  out:write(vim.fn.json_encode(record) .. "\n")
  out:flush()
end

local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "kaiming-lint",
  cmd = vim.fn.json_decode(os.getenv("KAI_SERVER_CMD")),
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(bufnr, client_id)

local timeout = 30000
local got = vim.wait(timeout, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 50)
if not got then
  emit({ error = "no diagnostics" })
  vim.cmd("qa!")
end

local diagnostics = vim.diagnostic.get(bufnr)
table.sort(diagnostics, function(a, b)
  return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
end)
for _, d in ipairs(diagnostics) do
  emit({
    kind = "diagnostic",
    code = d.code,
    source = d.source,
    severity = d.severity,
    lnum = d.lnum,
    col = d.col,
    end_lnum = d.end_lnum,
    end_col = d.end_col,
  })
end

-- The code actions offered on the first diagnostic's line, and the first quick fix applied.
local client = vim.lsp.get_client_by_id(client_id)
local first = diagnostics[1]
local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = {
    start = { line = first.lnum, character = first.col },
    ["end"] = { line = first.lnum, character = first.col },
  },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum) },
}
local response = client.request_sync("textDocument/codeAction", params, timeout, bufnr)
local actions = (response and response.result) or {}
for _, action in ipairs(actions) do
  emit({ kind = "action", title = action.title, action_kind = action.kind })
end
for _, action in ipairs(actions) do
  if action.kind == "quickfix" and action.edit and not action.title:find("noqa") then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
    break
  end
end
emit({ kind = "buffer", text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n") })

client.stop()
vim.wait(5000, function()
  return client.is_stopped()
end, 50)
out:close()
vim.cmd("qa!")
