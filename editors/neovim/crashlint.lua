-- crashlint's language server in Neovim (0.7 and newer): put this file in ~/.config/nvim/plugin/
-- (or require it from init.lua). It starts `crashlint server` once per project folder — the nearest
-- folder above the file with a package.json, pyproject.toml, crashlint.toml or .git — and attaches
-- every TypeScript, JavaScript and Python buffer of that folder to it.
local markers = { "package.json", "pyproject.toml", "crashlint.toml", ".git" }
local clients = {}

local function project_root(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  local best = nil
  for _, marker in ipairs(markers) do
    local hit = marker == ".git" and vim.fn.finddir(marker, dir .. ";") or vim.fn.findfile(marker, dir .. ";")
    if hit ~= "" then
      -- a folder found (.git) ends in a slash once made absolute: one :h more
      local folder = marker == ".git" and vim.fn.fnamemodify(hit, ":p:h:h") or vim.fn.fnamemodify(hit, ":p:h")
      if best == nil or #folder > #best then
        best = folder -- the nearest one
      end
    end
  end
  return best or dir
end

local function attach()
  local file = vim.api.nvim_buf_get_name(0)
  if file == "" then
    return
  end
  local root = project_root(file)
  if not clients[root] then
    clients[root] = vim.lsp.start_client({
      name = "crashlint",
      cmd = { vim.env.CRASHLINT or "crashlint", "server" },
      root_dir = root,
    })
  end
  vim.lsp.buf_attach_client(0, clients[root])
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = { "typescript", "typescriptreact", "javascript", "javascriptreact", "python" },
  callback = attach,
})
